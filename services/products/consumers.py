"""The topics the products service consumes: its own product.changed, the second chance to drop stale cache;
order.confirmed, whose products it counts together for "You may also like"; and inventory's stock.changed, which keeps
each product's "In stock only" flags."""

from __future__ import annotations

from common.messaging.messages import OrderConfirmed, ProductChanged, StockChanged

from .related import count_confirmed_order
from .service import apply_stock_change


def handlers(cache, copurchases, repo) -> dict:
    # Writers bump the cache generation themselves; the event is the second chance when that bump failed
    # (Redis down at the time): the consumer retries until the cache is invalidated. Only the fact matters,
    # not the payload, so the event is not parsed (inventory's consumer rejects a malformed one).
    return {
        ProductChanged.TOPIC: lambda event: cache.invalidate_or_raise(),
        OrderConfirmed.TOPIC: lambda event: count_confirmed_order(copurchases, cache, OrderConfirmed.parse(event)),
        StockChanged.TOPIC: lambda event: apply_stock_change(repo, cache, event),
    }
