"""What the payments service depends on: built once at start, read by its routes through deps()."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from common.deps import deps_of
from common.mongo import get_database

from .processor import SimulatedProcessor
from .repository import ChargeRepository, MethodRepository


@dataclass(frozen=True)
class Deps:
    methods: MethodRepository
    charges: ChargeRepository
    processor: SimulatedProcessor  # the only processor so far; a real provider has the same three methods


def build(app: Flask) -> Deps:
    db = get_database(app)
    methods, charges = MethodRepository(db["payment_methods"]), ChargeRepository(db["charges"])
    return Deps(methods=methods, charges=charges, processor=SimulatedProcessor(db["simulated_processor"]))


def deps(app: Flask | None = None) -> Deps:
    return deps_of(Deps, app)
