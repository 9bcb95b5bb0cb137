"""The audit trail: every admin action (who, what, when, before, after), shown on its product, order or user. The
services record each action with the change itself (common/mongo/audit.py); the back office only reads the trail."""

from __future__ import annotations

import logging

from . import client

log = logging.getLogger(__name__)


def entries_for(subject_type: str, subject_id: str) -> list[dict]:
    found = client.optional(
        "GET", "/api/audit", {"items": []}, params={"subject_type": subject_type, "subject_id": subject_id}
    )
    return found.get("items", [])
