"""The back office's order use cases: today's figures and the order search (admin)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from common.api.paging import page_of

from . import states
from .service import public_order

# Money taken: an order counts in the day's revenue once paid, and stops counting if it is cancelled.
PAID = (states.CONFIRMED, states.SHIPPED, states.DELIVERED)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def summary(collection, today: date | None = None) -> dict:
    """Orders placed today (UTC) by status, and the revenue of those paid and not cancelled."""
    start, end = day_bounds(today or datetime.now(UTC).date())
    rows = collection.aggregate(
        [
            {"$match": {"created_at": {"$gte": start, "$lt": end}}},
            {
                "$group": {
                    "_id": {"status": "$status", "currency": "$currency"},
                    "n": {"$sum": 1},
                    "total": {"$sum": "$total"},
                }
            },
        ]
    )
    by_status: dict[str, int] = {}
    revenue, currency = 0, "USD"
    for row in rows:
        status = row["_id"]["status"]
        by_status[status] = by_status.get(status, 0) + row["n"]
        if status in PAID:
            revenue += row["total"]
            currency = row["_id"].get("currency") or currency
    return {
        "date": start.date().isoformat(),
        "orders": sum(by_status.values()),
        "by_status": by_status,
        "revenue": revenue,
        "currency": currency,
    }


def search(collection, query) -> dict:
    """Every customer's orders, newest first, filtered by status, day placed (UTC) and customer email."""
    f: dict = {}
    if query.status:
        f["status"] = query.status
    if query.date:
        start, end = day_bounds(query.date)
        f["created_at"] = {"$gte": start, "$lt": end}
    if query.email:
        # Matched literally (never as a pattern), case-insensitively, anywhere in the address.
        f["email"] = {"$regex": re.escape(query.email), "$options": "i"}
    if query.user_id:
        f["user_id"] = query.user_id
    total = collection.count_documents(f)
    docs = collection.find(f, {"_outbox": 0}).sort([("created_at", -1), ("_id", 1)])
    return page_of([public_order(d) for d in docs.skip(query.skip).limit(query.per_page)], total, query)
