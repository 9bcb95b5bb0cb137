"""The notifications service API: send_email / send_sms record every delivery in the delivery log."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from common.api.paging import PageQuery, page_of
from common.errors import ValidationError

from .ports import Deliveries
from .repository import SMS_RANK
from .sms import Accepted

log = logging.getLogger(__name__)


class Notifier:
    """What event handlers call. `key` makes a send happen once: a repeat with a delivered key is skipped."""

    def __init__(self, repo: Deliveries, renderer, mailer, sms, staff_email: str | None = None, order_link=None):
        self.repo, self.renderer, self.mailer, self.sms = repo, renderer, mailer, sms
        self.staff_email = staff_email
        self._order_link = order_link  # (order id, email) -> a signed order link, for guests' orders

    def order_link(self, order_id: str, email: str) -> str | None:
        return self._order_link(order_id, email) if self._order_link else None

    def staff_emails(self) -> list[str]:
        """Who hears of the shop's operations (low stock): STAFF_ALERT_EMAIL when set, else every admin."""
        return [self.staff_email] if self.staff_email else self.repo.admin_emails()

    def send_email(self, to: str, template: str, context: dict, user_id: str | None, key: str | None = None) -> bool:
        if self._deleted(user_id):
            return False
        email = self.renderer.render(template, context)
        record = {
            "_id": key or uuid.uuid4().hex,
            "user_id": user_id,
            "channel": "email",
            "to": to,
            "template": template,
            "subject": email.subject,
        }
        return self._deliver(record, lambda: self.mailer.send(to, email.subject, email.text, email.html))

    def send_sms(self, to: str, text: str, user_id: str | None, key: str | None = None) -> bool:
        if self._deleted(user_id):
            return False
        record = {
            "_id": key or uuid.uuid4().hex,
            "user_id": user_id,
            "channel": "sms",
            "to": to,
            "template": None,
            "subject": None,
            "body": text,
        }
        return self._deliver(record, lambda: self.sms.send(to, text, record["_id"]))

    def contact(self, user_id: str) -> dict | None:
        """The email and name last seen for a user (from user.registered), for handlers of other events."""
        return self.repo.contact(user_id)

    def _deleted(self, user_id: str | None) -> bool:
        """A deleted account is never written to, whatever late event still names it."""
        if user_id and self.repo.forgotten(user_id):
            log.info("not sent: the account is deleted", extra={"user_id": user_id})
            return True
        return False

    def _deliver(self, record: dict, send) -> bool:
        if self.repo.claim(record) is None:
            log.info("already delivered", extra={"delivery_id": record["_id"]})
            return False
        try:
            answer = send()
        except Exception as e:
            # Recorded, then raised: the consumer retries with a backoff and finally dead-letters the event.
            self.repo.mark(record["_id"], "failed", f"{type(e).__name__}: {e}"[:500])
            raise
        if isinstance(answer, Accepted) and answer.sid:  # a provider's callbacks take it from here
            self.repo.accepted(record["_id"], answer.sid, answer.status)
        else:
            self.repo.mark(record["_id"], "sent")
        log.info(
            "notification sent",
            extra={"delivery_id": record["_id"], "channel": record["channel"], "template": record["template"]},
        )
        return True


def public_delivery(doc: dict) -> dict:
    out = {
        "id": doc["_id"],
        "channel": doc["channel"],
        "to": doc["to"],
        "template": doc.get("template"),
        "subject": doc.get("subject"),
        "status": doc["status"],
    }
    if doc["channel"] == "sms":
        out["body"] = doc.get("body")
    for key in ("created_at", "sent_at"):
        value = doc.get(key)
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    return out


def sms_status(repo: Deliveries, delivery_id: str, status: str) -> bool:
    """A provider's signed status callback: the text's delivery moves forward to `status`."""
    if status not in SMS_RANK:
        raise ValidationError("unknown message status", {"MessageStatus": status[:40]})
    moved = repo.progress(delivery_id, status)
    log.info("sms status", extra={"delivery_id": delivery_id, "status": status, "applied": moved})
    return moved


def list_for_user(repo: Deliveries, user_id: str, query: PageQuery) -> dict:
    docs, total = repo.for_user(user_id, query.skip, query.per_page)
    return page_of([public_delivery(d) for d in docs], total, query)
