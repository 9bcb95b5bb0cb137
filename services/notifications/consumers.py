"""The topics this service consumes: each handler module contributes `handlers(notifier) -> {topic: fn}`."""

from __future__ import annotations

from . import (
    account_handlers,
    deletion_handlers,
    email_change_handlers,
    fulfilment_handlers,
    order_handlers,
    stock_handlers,
)

# To handle more topics, add a module with `def handlers(notifier)` (e.g. order_handlers) to this tuple.
MODULES = (
    account_handlers,
    deletion_handlers,
    email_change_handlers,
    order_handlers,
    fulfilment_handlers,
    stock_handlers,
)


def all_handlers(notifier, modules=MODULES) -> dict:
    merged: dict = {}
    for module in modules:
        for topic, handler in module.handlers(notifier).items():
            if topic in merged:
                raise ValueError(f"two handlers for {topic}; combine them in one module")
            merged[topic] = handler
    return merged
