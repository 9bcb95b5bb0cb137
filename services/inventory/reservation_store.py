"""The reservations collection: one document per order, a small state machine of its own, with its outbox."""

from __future__ import annotations

from datetime import datetime

from pymongo.errors import DuplicateKeyError

from common.clock import now
from common.messaging.events import Event
from common.mongo.database import written
from common.mongo.moves import move, statuses

# reserving -> held | rejected;  held -> committing -> committed;  held -> releasing -> released;
# committed -> returning -> returned. The "-ing" states let a redelivered event finish an interrupted step.
RESERVING, HELD, REJECTED = "reserving", "held", "rejected"
COMMITTING, COMMITTED = "committing", "committed"
RELEASING, RELEASED = "releasing", "released"
RETURNING, RETURNED = "returning", "returned"


class ReservationRepository:
    def __init__(self, collection):
        self.reservations = collection

    def start(self, doc: dict) -> dict:
        """The reservation for an order: created now, or the one a previous delivery created."""
        try:
            self.reservations.insert_one(
                {**doc, "status": RESERVING, "paid": False, "created_at": now(), "updated_at": now()}
            )
        except DuplicateKeyError:
            pass
        return written(self.get(doc["_id"]))

    def get(self, order_id: str) -> dict | None:
        return self.reservations.find_one({"_id": order_id}, {"_outbox": 0})

    def move(
        self,
        order_id: str,
        src: tuple[str, ...],
        dst: str,
        fields: dict | None = None,
        *events: Event,
        where: dict | None = None,
        session=None,
    ) -> dict | None:
        """Change status only from one of `src` (and `where`), with its events, in one write."""
        return move(
            self.reservations,
            {"_id": order_id, **statuses(src), **(where or {})},
            {"$set": {**(fields or {}), "status": dst}},
            events,
            projection={"_outbox": 0},
            session=session,
        )

    def mark_paid(self, order_id: str) -> None:
        self.reservations.update_one(
            {"_id": order_id, "status": HELD, "paid": {"$ne": True}},
            {"$set": {"paid": True, "paid_at": now(), "updated_at": now()}},
        )

    def expired(self, at: datetime, limit: int = 100) -> list[str]:
        """Held, unpaid reservations past their time."""
        docs = self.reservations.aggregate(
            [
                {"$match": {"status": HELD, "expires_at": {"$lt": at}}},  # the (status, expires_at) index
                {"$match": {"paid": {"$ne": True}}},
                {"$limit": limit},
                {"$project": {"_id": 1}},
            ]
        )
        return [d["_id"] for d in docs]

    @staticmethod
    def _stuck(before: datetime) -> list[dict]:
        """As $match stages: the first is what the (status, paid) index serves."""
        # Reservations paid before `paid_at` was recorded count from their creation.
        return [
            {"$match": {"status": HELD, "paid": True}},
            {
                "$match": {
                    "$or": [
                        {"paid_at": {"$lt": before}},
                        {"paid_at": {"$exists": False}, "created_at": {"$lt": before}},
                    ]
                }
            },
        ]

    def count_stuck_paid(self, before: datetime) -> int:
        """Held, paid reservations still waiting for order.confirmed since before `before`."""
        counted = list(self.reservations.aggregate([*self._stuck(before), {"$count": "n"}]))
        return counted[0]["n"] if counted else 0

    def flag_stuck_paid(self, before: datetime, limit: int = 100) -> list[dict]:
        """Mark stuck paid reservations not flagged yet; each is returned once, so it is reported once."""
        flagged = []
        unflagged = [{"$match": {"stuck_at": {"$exists": False}}}, {"$limit": limit}, {"$project": {"_outbox": 0}}]
        for doc in self.reservations.aggregate([*self._stuck(before), *unflagged]):
            if self.reservations.update_one(
                {"_id": doc["_id"], "stuck_at": {"$exists": False}}, {"$set": {"stuck_at": now()}}
            ).modified_count:
                flagged.append(doc)
        return flagged
