"""The cart's "You may also like", made of the related products of its lines."""

from __future__ import annotations

SHOWN = 4


def for_cart(lists: list[list[dict]], in_cart: list[str], limit: int = SHOWN) -> list[dict]:
    """The lines' related products interleaved (the first line's best, the second's best, ..., then each one's
    second), each once, never one already in the cart, at most `limit`."""
    picked: dict[str, dict] = {}
    for rank in range(max((len(items) for items in lists), default=0)):
        for items in lists:
            if rank < len(items) and items[rank]["id"] not in in_cart:
                picked.setdefault(items[rank]["id"], items[rank])
    return list(picked.values())[:limit]
