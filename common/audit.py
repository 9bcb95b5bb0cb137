"""The audit trail's entries, made where an admin's change happens: an `admin.action` event that the service puts
in the same write as the change (its outbox), so a change through the API is recorded however it was made, and
nothing can be recorded that did not happen. The users service keeps the trail (services/users/audit.py)."""

from __future__ import annotations

from .auth import current_identity
from .events import Event
from .messages import AdminAction

MAX_TEXT = 300  # the trail says what changed, not all of it


def _short(facts: dict | None) -> dict:
    return {k: v[:MAX_TEXT] if isinstance(v, str) else v for k, v in (facts or {}).items()}


def admin_action(
    source: str, action: str, subject_type: str, subject_id: str, before: dict | None, after: dict | None
) -> Event:
    """The entry for a change the calling admin is making now; the actor is the request's verified identity."""
    who = current_identity(optional=False)
    assert who is not None  # optional=False raised otherwise
    return AdminAction(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=who.user_id,
        actor_email=who.email,
        before=_short(before),
        after=_short(after),
    ).event(source)
