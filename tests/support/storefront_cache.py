"""How soon the storefront's cache shows a change: max-age 2 s + stale-while-revalidate 3 s."""

from __future__ import annotations

BOUND = 5.0
