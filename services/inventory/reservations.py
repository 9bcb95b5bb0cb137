"""Stock reservations for the checkout saga: all lines or none, committed when paid, released otherwise."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from prometheus_client import Gauge

from common.messaging.messages import OrderPlaced, StockLine, StockRejected, StockReleased, StockReserved
from common.mongo.database import in_transaction

from .reservation_store import (
    COMMITTED,
    COMMITTING,
    HELD,
    REJECTED,
    RELEASED,
    RELEASING,
    RESERVING,
    RETURNED,
    RETURNING,
    now,
)

log = logging.getLogger(__name__)
SOURCE = "inventory"


def _lines(order: OrderPlaced) -> list[dict]:
    """One line per SKU, in SKU order (the class has already refused a missing SKU or a quantity below one)."""
    merged: dict[str, int] = {}
    for line in order.lines:
        merged[line.sku] = merged.get(line.sku, 0) + line.quantity
    return [{"sku": sku, "quantity": qty} for sku, qty in sorted(merged.items())]


def _stock_lines(res: dict) -> list[StockLine]:
    return [StockLine(**ln) for ln in res["lines"]]


def _reserved(res: dict, expires_at: str, **extra) -> StockReserved:
    return StockReserved(order_id=res["_id"], lines=_stock_lines(res), expires_at=expires_at, **res["order"], **extra)


def _rejected(res: dict, short: list[str]) -> StockRejected:
    return StockRejected(
        order_id=res["_id"], lines=_stock_lines(res), skus=short, reason="out_of_stock", user_id=res["order"]["user_id"]
    )


def _released(res: dict, reason: str | None) -> StockReleased:
    return StockReleased(
        order_id=res["_id"], lines=_stock_lines(res), reason=reason, user_id=res["order"].get("user_id")
    )


class Short(Exception):
    """A line cannot be served: the transaction holding the order's lines is rolled back."""

    def __init__(self, sku: str):
        super().__init__(sku)
        self.sku = sku


def reserve(reservations, stock, placed: OrderPlaced, ttl: int) -> dict:
    """order.placed: hold every line or none. The holds, the reservation's move to HELD and its stock.reserved
    event are one transaction (they share the inventory database): a crash or a shortage part-way leaves no hold
    behind. A replay finishes the same job: each SKU's hold is keyed by the order id, so it is taken at most once."""
    order_id = placed.order_id
    order = placed.model_dump(include={"user_id", "email", "name", "payment"})
    res = reservations.start({"_id": order_id, "lines": _lines(placed), "order": order})
    if res["status"] != RESERVING:
        return announce_again(reservations, res) if placed.redrive else res

    def hold_every_line(session) -> dict | None:
        # SKU order, stopping at the first shortage (which rolls back the lines held before it).
        for ln in res["lines"]:
            if stock.reserve(ln["sku"], ln["quantity"], hold=order_id, session=session) is None:
                raise Short(ln["sku"])
        expires = now() + timedelta(seconds=ttl)
        held = _reserved(res, expires.isoformat()).event(SOURCE)
        return reservations.move(order_id, (RESERVING,), HELD, {"expires_at": expires}, held, session=session)

    try:
        return in_transaction(reservations.reservations, hold_every_line) or res
    except Short as short:
        rejected = _rejected(res, [short.sku]).event(SOURCE)
        return reservations.move(order_id, (RESERVING,), REJECTED, {"short": [short.sku]}, rejected) or res


def announce_again(reservations, res: dict) -> dict:
    """The orders watchdog re-drove an order whose answer may have been lost: say again what was decided, with
    no new effect (the hold is keyed by the order id, so it is never taken twice)."""
    if res["status"] == HELD:
        again = _reserved(res, res["expires_at"].isoformat(), redrive=True).event(SOURCE)
    elif res["status"] == REJECTED:
        again = _rejected(res, res.get("short", [])).event(SOURCE)
    elif res["status"] in (RELEASED, RETURNED):
        again = _released(res, res.get("release_reason")).event(SOURCE)
    else:
        return res  # mid-step: the delivery that is finishing it will announce it
    log.info("reservation re-announced", extra={"order_id": res["_id"], "status": res["status"]})
    return reservations.move(res["_id"], (res["status"],), res["status"], None, again) or res


def commit(reservations, stock, order_id: str) -> dict | None:
    """order.confirmed: the held units leave the shelf for good."""
    res = reservations.move(order_id, (HELD, COMMITTING), COMMITTING)
    if res is None:
        return reservations.get(order_id)
    for ln in res["lines"]:
        stock.commit(ln["sku"], ln["quantity"], hold=order_id)
    return reservations.move(order_id, (COMMITTING,), COMMITTED)


def release(reservations, stock, order_id: str, reason: str, where: dict | None = None) -> dict | None:
    """Give the order's units back: held ones (payment failed, cancelled, expired) or, after a cancellation of a
    paid order, committed ones. Exactly once, announced by stock.released."""
    res = reservations.move(order_id, (HELD,), RELEASING, {"release_reason": reason}, where=where) or reservations.move(
        order_id, (RELEASING,), RELEASING
    )  # finishing an interrupted release
    if res is not None:
        for ln in res["lines"]:
            stock.release(ln["sku"], ln["quantity"], hold=order_id)
        released = _released(res, res["release_reason"]).event(SOURCE)
        return reservations.move(order_id, (RELEASING,), RELEASED, None, released)
    if reason != "order_cancelled":
        return reservations.get(order_id)
    res = reservations.move(order_id, (COMMITTED, RETURNING), RETURNING, {"release_reason": reason})
    if res is None:
        return reservations.get(order_id)
    for ln in res["lines"]:
        stock.restock(ln["sku"], ln["quantity"], hold=order_id)
    return reservations.move(order_id, (RETURNING,), RETURNED, None, _released(res, reason).event(SOURCE))


def expire_due(reservations, stock, at=None) -> list[str]:
    """Release every held reservation not paid in time; the `paid` guard makes a payment that got here first win."""
    done = []
    for order_id in reservations.expired(at or now()):
        res = release(reservations, stock, order_id, "reservation_expired", where={"paid": {"$ne": True}})
        if res and res["status"] == RELEASED and res.get("release_reason") == "reservation_expired":
            done.append(order_id)
    return done


def flag_stuck_paid(reservations, paid_ttl: int, at=None) -> list[str]:
    """Paid reservations whose order.confirmed never came within `paid_ttl`: one ERROR line each, once.

    Their units stay reserved: the shopper has paid, so putting them back on sale could oversell. The order's
    own re-drive delivers order.confirmed (which commits them), or an operator cancels and refunds the order
    (which releases them); the alert is there so that a person looks.
    """
    stuck = reservations.flag_stuck_paid((at or now()) - timedelta(seconds=paid_ttl))
    for res in stuck:
        log.error(
            "paid reservation stuck: order.confirmed never arrived; units stay reserved",
            extra={
                "order_id": res["_id"],
                "lines": res["lines"],
                "paid_at": str(res.get("paid_at")),
                "bound_seconds": paid_ttl,
            },
        )
    return [res["_id"] for res in stuck]


class ExpirySweeper(threading.Thread):
    """Runs in the inventory process: every few seconds, releases reservations whose time is up."""

    def __init__(self, reservations, stock, interval: float, paid_ttl: int):
        super().__init__(daemon=True, name="reservation-sweeper")
        self.reservations, self.stock, self.interval, self.paid_ttl = reservations, stock, interval, paid_ttl
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                expired = expire_due(self.reservations, self.stock)
                if expired:
                    log.info("reservations expired", extra={"orders": expired})
                flag_stuck_paid(self.reservations, self.paid_ttl)
            except Exception:
                log.exception("reservation sweep failed; will try again")

    def stop(self) -> None:
        self.stopping.set()


def watch_stuck_paid(registry, reservations, paid_ttl: int) -> None:
    """Counted when scraped, so the gauge is right whether or not this process runs the sweeper."""
    Gauge(
        "inventory_stuck_paid_reservations",
        "Paid reservations waiting for order.confirmed past the bound",
        registry=registry,
    ).set_function(lambda: reservations.count_stuck_paid(now() - timedelta(seconds=paid_ttl)))


def sweeper(reservations, stock, ttl: int, paid_ttl: int) -> ExpirySweeper:
    """Sweep often enough that a reservation outlives its time by at most a quarter of it (5 s at most)."""
    return ExpirySweeper(reservations, stock, interval=min(5.0, max(0.2, ttl / 4)), paid_ttl=paid_ttl)
