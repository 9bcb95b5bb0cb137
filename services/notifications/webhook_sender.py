"""The webhook sender: a background loop posting due messages, signed per attempt, never on a request's path."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import requests
from standardwebhooks import Webhook

from .ssrf import UnsafeUrl, check_url
from .webhooks import LEASE, RETRY_FOR, Webhooks, retry_wait

log = logging.getLogger(__name__)
USER_AGENT = "Fragmart-Webhooks/1"


def post_signed(url: str, message_id: str, payload: str, secret: str, timeout: float) -> int:
    """POST one attempt: Standard Webhooks headers, the timestamp of this attempt (the receiver checks it against
    its own clock), no redirects followed. The answer's status code."""
    stamp = datetime.now(UTC)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, stamp, payload),
    }
    with requests.post(
        url, data=payload.encode(), headers=headers, timeout=timeout, allow_redirects=False, stream=True
    ) as answer:
        return answer.status_code


def send_one(hooks: Webhooks, delivery: dict, post: Callable[..., int], alert: Callable[[dict], None]) -> bool:
    """One attempt at one message; True when the receiver took it (2xx)."""
    now, delivery_id = hooks.clock(), delivery["_id"]
    endpoint = hooks.endpoints.get(delivery["endpoint_id"])
    if endpoint is None or not endpoint["enabled"]:
        hooks.deliveries.record(delivery_id, {"status": "failed", "error": "endpoint disabled or removed"})
        return False
    code, error = None, None
    try:
        code = post(
            check_url(endpoint["url"], hooks.allow_private), delivery_id, delivery["payload"], endpoint["secret"]
        )
    except UnsafeUrl as e:
        error = str(e)
    except requests.RequestException as e:
        error = f"{type(e).__name__}: {e}"[:300]
    if code is not None and 200 <= code < 300:
        changes = {"status": "succeeded", "response_code": code, "error": None, "last_attempt_at": now}
        hooks.deliveries.record(delivery_id, changes)
        hooks.endpoints.update(endpoint["_id"], {"failing_since": None})
        return True
    gave_up = now - delivery.get("window_start", delivery["created_at"]) >= RETRY_FOR
    changes = {
        "status": "failed" if gave_up else "pending",
        "next_at": None if gave_up else now + retry_wait(delivery.get("attempts", 0) + 1),
        "response_code": code,
        "error": error or f"HTTP {code}",
        "last_attempt_at": now,
    }
    hooks.deliveries.record(delivery_id, changes)
    log.warning("webhook attempt failed", extra={"delivery_id": delivery_id, "code": code, "error": changes["error"]})
    failing = hooks.endpoints.failing_since(endpoint["_id"], now) or endpoint
    if failing["enabled"] and failing.get("failing_since") and now - failing["failing_since"] >= RETRY_FOR:
        disabled = hooks.endpoints.update(endpoint["_id"], {"enabled": False, "disabled_at": now})
        log.error("webhook endpoint disabled after a day of failures", extra={"endpoint_id": endpoint["_id"]})
        alert(disabled or failing)
    return False


def deliver_due(hooks: Webhooks, post: Callable[..., int], alert: Callable[[dict], None], limit: int = 50) -> int:
    """Attempt every message due by the hooks' clock (up to `limit`); how many were attempted."""
    attempted = 0
    while attempted < limit:
        delivery = hooks.deliveries.claim_due(hooks.clock(), LEASE)
        if delivery is None:
            break
        send_one(hooks, delivery, post, alert)
        attempted += 1
    return attempted


class WebhookSender(threading.Thread):
    """Polls for due messages every `interval` seconds, at once when woken (a new event, a Resend)."""

    def __init__(self, send_due: Callable[[], int], interval: float = 1.0):
        super().__init__(name="webhook-sender", daemon=True)
        self.send_due, self.interval = send_due, interval
        self.stopping, self.wake = threading.Event(), threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if self.send_due():
                    continue
            except Exception:
                log.exception("webhook sender failed; trying again")
            self.wake.wait(self.interval)
            self.wake.clear()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
