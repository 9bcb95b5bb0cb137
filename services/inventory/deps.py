"""What the inventory service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from flask import Flask

from common.deps import deps_of
from common.mongo.database import get_database
from common.platform import platform_of

from . import service
from .repository import StockRepository
from .reservation_store import ReservationRepository


@dataclass(frozen=True)
class Deps:
    stock: StockRepository
    reservations: ReservationRepository  # the checkout saga's holds on stock


def build(app: Flask) -> Deps:
    db, level = get_database(app), platform_of(app).settings.low_stock_level
    stock = StockRepository(
        db["stock"], level, partial(service.low_stock_event, level=level), service.stock_changed_event
    )
    reservations = ReservationRepository(db["reservations"])
    return Deps(stock=stock, reservations=reservations)


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
