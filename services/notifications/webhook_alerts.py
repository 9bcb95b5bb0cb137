"""The admins hear by email when an endpoint is disabled after a day of failures."""

from __future__ import annotations

from collections.abc import Callable


def alerter(notifier, admin_email: str | None) -> Callable[[dict], None]:
    def alert(endpoint: dict) -> None:
        admins = sorted({*notifier.repo.admin_emails(), *([admin_email] if admin_email else [])})
        disabled_at = endpoint.get("disabled_at")
        stamp = disabled_at.isoformat() if disabled_at else ""
        context = {"url": endpoint["url"], "endpoint_id": endpoint["_id"], "events": ", ".join(endpoint["events"])}
        for email in admins:
            key = f"webhook-disabled:{endpoint['_id']}:{stamp}:{email}"
            notifier.send_email(email, "webhook_disabled", context, None, key=key)

    return alert
