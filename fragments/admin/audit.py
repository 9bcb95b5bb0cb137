"""The audit trail: every admin action (who, what, when, before, after), recorded through the audit API and shown
on its product, order or user. Who is taken from the admin's token by the API, never from the form."""

from __future__ import annotations

import logging

from common.errors import AppError

from . import client

log = logging.getLogger(__name__)


def record(action: str, subject_type: str, subject_id: str, before: dict | None, after: dict | None) -> None:
    """Record an action that has happened; a failure to record is logged loudly, and never undoes the action."""
    body = {
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "before": before or {},
        "after": after or {},
    }
    try:
        resp = client.call("POST", "/api/audit", json=body)
        if resp.status_code != 201:
            raise AppError(f"audit answered {resp.status_code}")
    except AppError as e:
        log.error("admin action not audited", extra={"action": action, "subject_id": subject_id, "error": e.message})


def entries_for(subject_type: str, subject_id: str) -> list[dict]:
    found = client.optional(
        "GET", "/api/audit", {"items": []}, params={"subject_type": subject_type, "subject_id": subject_id}
    )
    return found.get("items", [])
