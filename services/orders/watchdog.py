"""Re-drives orders the saga left waiting: a message the broker lost must not leave an order pending for ever.

The pattern of eShop's grace-period manager: a timer in the owning service looks for orders in a waiting state
for longer than a bound and acts. Here it queues a fresh order.placed marked `redrive` (through the outbox, like
any event): inventory finishes or re-announces its reservation, payments finishes or re-announces its charge, and
each keys its effect by the order id, so a re-drive never reserves or charges twice.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from common.backoff import exponential
from common.clock import now

from . import service, states

log = logging.getLogger(__name__)
WAITING = (states.PENDING, states.AWAITING_PAYMENT)
MAX_BACKOFF_STEPS = 5  # the gap between re-drives of one order doubles up to 32 bounds


def redrive_event(order: dict, count: int):
    return service.placed_event(order, redrive=count)


def redrive_stalled(repo, bound: float, at=None, on_redrive=None) -> list[str]:
    """Queue order.placed again for each order waiting longer than `bound` seconds; returns their ids."""
    at = at or now()
    done = []
    for order in repo.stalled(WAITING, at - timedelta(seconds=bound), at):
        count = order.get("redrives", 0) + 1
        gap = exponential(count, bound, bound * 2**MAX_BACKOFF_STEPS)
        if repo.redrive(order, at + timedelta(seconds=gap), redrive_event(order, count)) is None:
            continue  # it moved while we looked: not stalled
        waited = round((at - order["updated_at"]).total_seconds())
        log.warning(
            "order re-driven",
            extra={"order_id": order["_id"], "status": order["status"], "redrives": count, "waiting_s": waited},
        )
        if on_redrive:
            on_redrive(order["status"])
        done.append(order["_id"])
    return done


class Watchdog(threading.Thread):
    """Runs in the orders process beside the outbox relay."""

    def __init__(self, repo, bound: float, counter):
        super().__init__(daemon=True, name="orders-watchdog")
        self.repo, self.bound, self.counter = repo, bound, counter
        self.interval = max(0.5, min(10.0, bound / 3))  # an order waits at most about 4/3 of the bound
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                redrive_stalled(self.repo, self.bound, on_redrive=lambda s: self.counter.labels(s).inc())
            except Exception:
                log.exception("order watchdog failed; will look again")

    def stop(self) -> None:
        self.stopping.set()
