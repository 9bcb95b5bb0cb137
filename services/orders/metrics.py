"""Order outcomes and the saga's latency (placed -> CONFIRMED), counted where the order document changes."""

from __future__ import annotations

from datetime import UTC

from common.clock import now
from common.observability import tracing

from . import states

# Saga latencies: sub-second is the goal, tens of seconds is an incident.
SAGA_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60)
ENDINGS = {states.CONFIRMED: "confirmed", states.CANCELLED: "cancelled", states.REJECTED: "rejected"}


class OrderMetrics:
    def __init__(self, obs):
        self._placed = obs.counter("orders_placed_total", "Orders placed (a new PENDING order)")
        self._ended = obs.counter(
            "orders_outcome_total",
            "Orders reaching CONFIRMED, CANCELLED or REJECTED, with the reason (out_of_stock, declined, customer ...)",
            ("outcome", "reason"),
        )
        self._saga = obs.histogram("order_confirmation_seconds", "From order placed to CONFIRMED", buckets=SAGA_BUCKETS)
        self._settled = obs.histogram(
            "order_settle_seconds", "From order placed to any settled state", ("outcome",), buckets=SAGA_BUCKETS
        )

    def placed(self, order: dict) -> None:
        self._placed.inc()
        tracing.tag(order_id=order["_id"])

    def moved(self, order: dict, src: str) -> None:
        tracing.tag(order_id=order["_id"], order_status=order["status"])
        outcome = ENDINGS.get(order["status"])
        if outcome is None:
            return
        self._ended.labels(outcome, order.get("reason") or "none").inc()
        created = order.get("created_at")
        if created is None or src in states.SETTLED:  # a later cancel is an outcome, not the saga's latency
            return
        if created.tzinfo is None:  # a client without tz_aware hands back naive UTC
            created = created.replace(tzinfo=UTC)
        elapsed = max(0.0, (now() - created).total_seconds())
        self._settled.labels(outcome).observe(elapsed)
        if outcome == "confirmed":
            self._saga.observe(elapsed)


class NoOrderMetrics:
    def placed(self, order): ...
    def moved(self, order, src): ...
