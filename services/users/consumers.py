"""The topics the users service consumes: a new account gets its profile, a confirmed address shows as confirmed;
an admin's action joins the trail;
a deleted account's profile and addresses go."""

from __future__ import annotations

from common.messaging.messages import AccountDeleted, AdminAction, EmailChanged, EmailVerified, UserRegistered

from . import audit, service
from .repository import AuditRepository


def handlers(repo, trail: AuditRepository) -> dict:
    return {
        UserRegistered.TOPIC: lambda event: service.profile_from_event(repo, UserRegistered.parse(event)),
        EmailVerified.TOPIC: lambda event: service.email_verified(repo, EmailVerified.parse(event)),
        EmailChanged.TOPIC: lambda event: service.email_changed(repo, EmailChanged.parse(event)),
        AccountDeleted.TOPIC: lambda event: account_deleted(repo, trail, AccountDeleted.parse(event)),
        AdminAction.TOPIC: lambda event: audit.keep(trail, event),
    }


def account_deleted(repo, trail: AuditRepository, deleted: AccountDeleted) -> None:
    """The profile goes; an admin's entries in the trail stay (what was done, when) without their email."""
    service.account_deleted(repo, deleted)
    trail.forget_actor(deleted.user_id)
