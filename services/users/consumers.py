"""The topics the users service consumes: a new account gets its profile; an admin's action joins the trail."""

from __future__ import annotations

from common.messages import AdminAction, UserRegistered

from . import audit, service


def handlers(repo, trail) -> dict:
    return {
        UserRegistered.TOPIC: lambda event: service.profile_from_event(repo, UserRegistered.parse(event)),
        AdminAction.TOPIC: lambda event: audit.keep(trail, event),
    }
