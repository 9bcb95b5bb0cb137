"""The topic the users service consumes: a new account gets its profile."""

from __future__ import annotations

from common.messages import UserRegistered

from . import service


def handlers(repo) -> dict:
    return {UserRegistered.TOPIC: lambda event: service.profile_from_event(repo, UserRegistered.parse(event))}
