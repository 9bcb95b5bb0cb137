"""The one clock for stored timestamps: timezone-aware UTC, as MongoDB keeps them."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
