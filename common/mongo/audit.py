"""The audit trail's entries, made where an admin's change happens: an `admin.action` event that the service puts
in the same write as the change (its outbox), so a change through the API is recorded however it was made, and
nothing can be recorded that did not happen. The users service keeps the trail (services/users/audit.py).

A change whose own document can carry the event (a product, a stock level, an order) pushes it into that
document's outbox. A change that can't (a delete, a collection no relay reads) goes through `AuditOutbox`: the
change and its entry in one transaction, the entry in a small outbox collection of the service's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..auth.identity import current_identity
from ..clock import now
from ..messaging.events import OUTBOX_FIELD, Event, outbox_entries
from ..messaging.messages import AdminAction, Fact
from .database import in_transaction

MAX_TEXT = 300  # the trail says what changed, not all of it
T = TypeVar("T")


def fact(value) -> Fact:
    """One fact as the trail keeps it: a short scalar (a list reads as its items, anything else as its text)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return str(value)[:MAX_TEXT]


def facts(doc: dict | None, keys: tuple[str, ...] | None = None) -> dict:
    """The facts of `doc` (only `keys`, when given) as the trail keeps them; ids and bookkeeping left out."""
    doc = doc or {}
    names = keys if keys is not None else tuple(k for k in doc if not k.startswith("_") and k not in ("id", "holds"))
    return {k: fact(doc.get(k)) for k in names}


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
        before=facts(before),
        after=facts(after),
    ).event(source)


class AuditOutbox:
    """Entries for changes whose document can't carry them, each written in the change's own transaction. The
    service's outbox relay reads this collection like any other (start_workers(outbox=[…]))."""

    def __init__(self, collection):
        self.entries = collection

    def write(self, change: Callable[[object], tuple[T, Event | None]]) -> T:
        """`change(session)` makes the change with that session and answers (its result, the entry or None: no
        change, nothing to record). Both land, or neither does."""

        def work(session) -> T:
            result, entry = change(session)
            if entry is not None:
                doc = {"_id": entry.event_id, "at": now(), OUTBOX_FIELD: outbox_entries(entry)}
                self.entries.insert_one(doc, session=session)
            return result

        return in_transaction(self.entries, work)
