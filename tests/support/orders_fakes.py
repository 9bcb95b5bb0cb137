"""Stand-ins for the orders service's neighbours in unit tests: a shopper, a fixed catalog, an empty cart."""

from __future__ import annotations

import uuid

from common.auth.identity import Identity


def shopper() -> Identity:
    return Identity(uuid.uuid4().hex, email="shopper@example.test", name="Shopper")


class FixedCatalog:
    """Prices as the products service would give them; the catalog is another service's contract."""

    def products(self, ids):
        return {
            pid: {"id": pid, "sku": f"SKU-{pid}", "name": pid.title(), "price": 1250, "currency": "USD"} for pid in ids
        }


class NoCart:
    def lines(self, cart_id):
        return []

    def take_ordered(self, order):
        pass
