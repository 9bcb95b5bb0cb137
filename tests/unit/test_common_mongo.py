"""The in-process Mongo engine keeps MongoDB's single-document atomicity under threads."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from common.mongo import create_client


def test_conditional_decrements_from_many_threads_never_go_below_zero():
    coll = create_client(None)["t"][uuid.uuid4().hex]
    coll.insert_one({"_id": "sku", "available": 50})

    def take(_):
        return coll.find_one_and_update({"_id": "sku", "available": {"$gte": 1}}, {"$inc": {"available": -1}})

    with ThreadPoolExecutor(16) as pool:
        won = sum(1 for r in pool.map(take, range(200)) if r is not None)
    assert won == 50
    assert coll.find_one({"_id": "sku"})["available"] == 0


def test_cursors_can_still_be_sorted_skipped_and_limited():
    coll = create_client(None)["t"][uuid.uuid4().hex]
    coll.insert_many([{"n": i} for i in range(10)])
    assert [d["n"] for d in coll.find().sort("n", -1).skip(2).limit(3)] == [7, 6, 5]


class FakeMonotonic:
    def __init__(self):
        self.at = 1000.0

    def __call__(self):
        return self.at


def test_ttl_expiry_runs_like_mongodbs_ttl_monitor_once_a_minute_not_before_every_insert(monkeypatch):
    from datetime import UTC, datetime, timedelta

    from mongomock.store import CollectionStore

    import common.mongo

    clock, scans = FakeMonotonic(), []
    monkeypatch.setattr(common.mongo, "_ttl_clock", clock)
    expire = CollectionStore._expire_documents
    monkeypatch.setattr(CollectionStore, "_expire_documents",
                        lambda self, index: scans.append(1) or expire(self, index))
    coll = create_client(None)["t"][uuid.uuid4().hex]
    coll.create_index("at", expireAfterSeconds=60)
    old = datetime.now(UTC) - timedelta(hours=1)
    clock.at += 61
    coll.insert_one({"_id": "stale", "at": old})
    scans.clear()
    for n in range(100):  # an inbox: one insert per consumed event
        coll.insert_one({"_id": n, "at": datetime.now(UTC)})
    assert len(scans) <= 1  # was one pass over the whole collection per insert
    coll.insert_one({"_id": "also-stale", "at": old})
    clock.at += 61
    assert coll.count_documents({}) == 100  # both past their expiry are gone within the monitor's minute
