"""The payment processor behind an adapter: the simulated one now, a real provider later."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from pymongo.errors import DuplicateKeyError

# DESIGN.md's test cards, the same numbers as the best-known public processor's.
TEST_CARD_OUTCOMES = {
    "4000000000000002": "declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000119": "processing_error",
}


class CardDeclined(Exception):
    """A final answer: retrying will not change it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ProcessorUnavailable(Exception):
    """A transient failure: the same call may succeed if retried."""


@dataclass(frozen=True)
class CardInput:
    """A card in flight to the processor; it lives only for the tokenisation request."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str

    def __repr__(self) -> str:  # never let a traceback or a log line print the number
        return f"CardInput(****{self.number[-4:]}, {self.exp_month:02d}/{self.exp_year})"

    __str__ = __repr__


class Processor(Protocol):
    name: str

    def tokenise(self, card: CardInput) -> str:
        """The provider's reference for the card; the provider, not Fragmart, holds the number."""

    def charge(self, card_ref: str, amount: int, currency: str, idempotency_key: str) -> str:
        """A charge id, or CardDeclined / ProcessorUnavailable. The same key never charges twice."""

    def refund(self, charge_id: str, amount: int, idempotency_key: str) -> str:
        """A refund id. The same key never refunds twice."""


class SimulatedProcessor:
    """Stands in for the provider, with its own records (its "vault" keeps an outcome, not the number)."""

    name = "simulated"

    def __init__(self, collection):
        self.records = collection
        self.calls = 0  # how many charge attempts reached the processor: tests see the retries

    def tokenise(self, card: CardInput) -> str:
        ref = f"sim_card_{uuid.uuid4().hex}"
        self.records.insert_one({"_id": ref, "kind": "card", "outcome": TEST_CARD_OUTCOMES.get(card.number, "approve")})
        return ref

    def _once(self, key: str, make) -> str:
        found = self.records.find_one({"_id": key})
        if found:
            return found["result"]
        try:
            self.records.insert_one({"_id": key, "result": make()})
        except DuplicateKeyError:
            pass
        return self.records.find_one({"_id": key})["result"]

    def charge(self, card_ref: str, amount: int, currency: str, idempotency_key: str) -> str:
        self.calls += 1
        card = self.records.find_one({"_id": card_ref, "kind": "card"})
        outcome = card["outcome"] if card else "declined"
        if outcome == "processing_error":
            raise ProcessorUnavailable("processor timed out")
        if outcome != "approve":
            raise CardDeclined(outcome)
        return self._once(f"charge:{idempotency_key}", lambda: f"ch_{uuid.uuid4().hex}")

    def refund(self, charge_id: str, amount: int, idempotency_key: str) -> str:
        return self._once(f"refund:{idempotency_key}", lambda: f"re_{uuid.uuid4().hex}")
