"""A new product's API body and the events a product document holds in its outbox."""

from __future__ import annotations

import uuid

from services.products.deps import deps as products_deps


def new_product(**fields):
    return {
        "name": f"Test product {uuid.uuid4().hex}",
        "description": "Made by a test.",
        "price": 1999,
        "category": "testing",
        "sku": f"T-{uuid.uuid4().hex}",
        "initial_stock": 7,
        **fields,
    }


def outbox(app, product_id):
    doc = products_deps(app).repo.products.find_one({"_id": product_id})
    return [(e["type"], e["data"]["action"]) for e in doc.get("_outbox", [])], doc.get("_outbox", [])
