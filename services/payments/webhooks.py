"""Provider webhooks: verified, taken once per event id, and read by asking the provider for the checkout's state."""

from __future__ import annotations

import logging

from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.errors import AppError
from common.ids import is_id

from .ports import Processor, SignatureInvalid

log = logging.getLogger(__name__)
# A checkout's state only moves forward: a late or replayed event never takes it back.
RANK = {"open": 0, "pending": 1, "failed": 1, "expired": 2, "authorized": 3, "captured": 4, "voided": 4}


class BadSignature(AppError):
    status, code = 400, "BAD_SIGNATURE"


class CheckoutRepository:
    """One document per order: the provider's session, its intent and the latest state the provider gave."""

    def __init__(self, checkouts, events):
        self.checkouts, self.events = checkouts, events

    def first_delivery(self, event_id: str, kind: str) -> bool:
        try:
            self.events.insert_one({"_id": event_id, "type": kind, "received_at": now()})
            return True
        except DuplicateKeyError:
            return False

    def get(self, order_id: str) -> dict | None:
        return self.checkouts.find_one({"_id": order_id})

    def advance(self, order_id: str, session_id: str, intent_id: str | None, state: str) -> dict | None:
        """Record `state` unless the checkout already stands at or beyond it; the document after, else None."""
        lower = [s for s, rank in RANK.items() if rank < RANK[state]]
        doc = {"session_id": session_id, "intent_id": intent_id, "state": state, "updated_at": now()}
        self.checkouts.update_one({"_id": order_id}, {"$setOnInsert": {"created_at": now()}}, upsert=True)
        result = self.checkouts.find_one_and_update(
            {"_id": order_id, "$or": [{"state": {"$in": lower}}, {"state": {"$exists": False}}]},
            {"$set": doc},
            return_document=True,
        )
        return result


def receive(repo: CheckoutRepository, processor: Processor, metrics, payload: bytes, signature: str | None) -> str:
    """A provider's delivery: 'applied', 'unchanged' or 'duplicate'; a bad signature raises BadSignature."""
    try:
        event = processor.parse_webhook(payload, signature)
    except SignatureInvalid as e:
        metrics.signature_failed(processor.name)
        log.warning("webhook signature refused", extra={"provider": processor.name, "why": str(e)[:120]})
        raise BadSignature("The webhook's signature is missing, wrong or too old.") from None
    if not repo.first_delivery(event.event_id, event.type):
        return "duplicate"
    # Signed is not the same as well-formed: only plain ids reach a query (never {"$ne": …} from a metadata field).
    order_id, session_id = event.order_id, event.session_id
    if not (
        isinstance(order_id, str) and is_id(order_id) and isinstance(session_id, str) and session_id.startswith("cs_")
    ):
        return "unchanged"  # intent events: the checkout's own event, or the watchdog, asks the provider
    state = processor.lookup(session_id)  # the provider's word now, not the event's (which may be old)
    moved = repo.advance(order_id, session_id, state.intent_id, state.state)
    if moved:
        metrics.outcome(state.state)
    return "applied" if moved else "unchanged"
