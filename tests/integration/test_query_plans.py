"""Every query of the hot paths, as the services send it over the wire, explained by the local server: none may be a
collection scan. The hot paths: the storefront's catalog reads (home, listing under each filter and order, search,
product page, cart pricing), sign-in, and the checkout saga end to end (orders, inventory, payments, their inboxes
and outboxes, and the sweeps that run beside them). A new query or collection on them needs its index in
services/<name>/indexes.py.

The saga's guarded writes (common/mongo/moves.py: an update by _id and a guard, then a read by _id) find their document
by _id on both servers; they are not find_one_and_update, which SecantusDB 0.7.0b3 runs with a scan (its re-check of the
filter under $and defeats the _id lookup)."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime

import pytest
from pymongo import monitoring

import services.auth
from services.inventory.deps import deps as inventory_deps
from services.orders.deps import deps as orders_deps
from tests.support.databases import database_client

READS = {"find": "filter", "count": "query", "distinct": "query", "aggregate": None}


class Queries(monitoring.CommandListener):
    """The reads the services send while `recording` is set: one example of each shape."""

    def __init__(self):
        self.recording = False
        self.seen: dict[str, tuple[str, str, dict, dict | None]] = {}
        self._lock = threading.Lock()

    def started(self, event):
        name = event.command_name
        if not self.recording or name not in READS:
            return
        command, collection = event.command, event.command.get(name)
        if not isinstance(collection, str) or collection.startswith("system."):
            return
        if name == "aggregate":
            first = (command.get("pipeline") or [{}])[0]
            where, sort = first.get("$match", {}), None
        else:
            where, sort = command.get(READS[name]) or {}, command.get("sort")
        shape = json.dumps([collection, name, _shape(where), sort], sort_keys=True, default=str)
        with self._lock:
            self.seen.setdefault(shape, (event.database_name, collection, where, sort))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def _shape(value):
    """A filter with its values blanked: queries that differ only in what they look for are one query."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value[:1]]
    return type(value).__name__


QUERIES = Queries()
monitoring.register(QUERIES)  # before the module's apps make their clients: a listener joins clients made later


def plan(database: str, collection: str, where: dict, sort) -> dict:
    explained = database_client()[database].command(
        "explain", {"find": collection, "filter": where, **({"sort": sort} if sort else {})}, verbosity="queryPlanner"
    )
    return explained["queryPlanner"]["winningPlan"]


def stages(node: dict | None) -> list[str]:
    found = []
    while node:
        found.append(node["stage"] + (f" {node['indexName']}" if "indexName" in node else ""))
        node = node.get("inputStage")
    return found


@pytest.fixture(scope="module")
def auth_app(redis_url, issuer):
    return services.auth.create_app({"redis_url": redis_url, "run_workers": False})


def browse(products) -> None:
    catalog = products.test_client()
    first = catalog.get("/api/products", query_string={"per_page": 12}).json["items"]
    assert first, "the catalog is empty"
    for sort in ("name", "price", "-price", "-created"):
        catalog.get("/api/products", query_string={"sort": sort})
        catalog.get("/api/products", query_string={"sort": sort, "category": first[0]["category"]})
        catalog.get("/api/products", query_string={"sort": sort, "category": "kitchen", "min_price": 1000})
        catalog.get("/api/products", query_string={"sort": sort, "max_price": 5000})
    catalog.get("/api/products", query_string={"featured": "true", "per_page": 8, "sort": "name"})  # home
    catalog.get("/api/products", query_string={"q": f"linen {uuid.uuid4().hex[:6]}"})  # a unique search
    catalog.get("/api/products", query_string={"q": "linen", "category": "apparel", "sort": "price"})
    catalog.get("/api/products", query_string={"facets": "true", "category": "kitchen", "price_band": "25-50"})  # grid
    catalog.get("/api/products", query_string={"facets": "true", "q": "linen", "size": "M", "in_stock": "true"})
    catalog.get("/api/products", query_string={"ids": ",".join(p["id"] for p in first[:3])})  # cart pricing
    catalog.get(f"/api/products/{first[0]['id']}")  # product page
    catalog.get(f"/api/products/{first[0]['id']}/related")  # its "You may also like"
    catalog.get("/api/categories")


def sweeps(system) -> None:
    """One pass of each loop that runs beside the saga: the orders watchdog, inventory's expiry and stuck sweeps."""
    at = datetime.now(UTC)
    orders_deps(system.orders).repo.stalled(("PENDING", "AWAITING_PAYMENT"), at, at)
    reservations = inventory_deps(system.inventory).reservations
    reservations.expired(at)
    reservations.count_stuck_paid(at)


def sign_up_and_in(auth_app) -> None:
    auth = auth_app.test_client()
    email, password = f"plans-{uuid.uuid4().hex[:8]}@example.com", "correct-horse-9"
    assert auth.post("/api/auth/register", json={"email": email, "password": password, "name": "P"}).status_code == 201
    assert auth.post("/api/auth/login", json={"email": email, "password": password}).status_code == 200


def test_no_hot_path_query_is_a_collection_scan(system, auth_app, user_id, capsys):
    QUERIES.recording = True
    try:
        browse(system.products)
        sign_up_and_in(auth_app)
        orders = [
            system.place(user_id, [("fountain-pen", 1)]),
            system.place(user_id, [("fountain-pen", 1)], card="decline"),
        ]
        system.pay(user_id, orders[1], "approve")  # another card after a declined one
        for order_id in orders:
            system.wait_settled(order_id)
        system.orders.test_client().get("/api/orders", headers=system.issuer.headers(user_id))
        system.orders.test_client().get(f"/api/orders/{orders[0]}", headers=system.issuer.headers(user_id))
        sweeps(system)  # the background loops' queries, whether or not their timers fired meanwhile
    finally:
        QUERIES.recording = False
    listed = sorted(QUERIES.seen.values(), key=lambda q: (q[1], json.dumps(q[2], default=str)))
    scans = []
    with capsys.disabled():
        print(f"\n{len(listed)} hot-path queries and their plans on the local server:")
        for database, collection, where, sort in listed:
            shown = stages(plan(database, collection, where, sort))
            print(f"  {collection} {json.dumps(where, default=str)[:110]} sort={sort} -> {' < '.join(shown)}")
            if any(s.startswith("COLLSCAN") for s in shown):
                scans.append((collection, where, sort))
    assert {c for _, c, _, _ in listed} >= {"products", "orders", "reservations", "charges", "accounts", "inbox"}
    assert not scans, f"collection scans on hot paths: {scans}"
