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
    monkeypatch.setattr(
        CollectionStore, "_expire_documents", lambda self, index: scans.append(1) or expire(self, index)
    )
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


DOCS = [
    {"_id": 1, "idem": "a", "_outbox": [{"event_id": "e1"}]},
    {"_id": 2, "idem": "b", "_outbox": []},
    {"_id": 3, "idem": ["a", "c"]},
    {"_id": 4, "n": 1},
    {"_id": 5, "idem": "a", "_outbox": [{"other": 1}]},
    {"_id": 6, "idem": 1.0, "_outbox": {"event_id": "e2"}},
    {"_id": 7, "idem": None},
]


def test_equality_and_exists_filters_find_exactly_what_a_full_scan_finds():
    coll = create_client(None)["t"][uuid.uuid4().hex]
    coll.insert_many([dict(d) for d in DOCS])
    found = {
        repr(f): sorted(d["_id"] for d in coll.find(f))
        for f in (
            {"idem": "a"},
            {"idem": 1},
            {"idem": "c"},
            {"_outbox.event_id": {"$exists": True}},
            {"_outbox.0": {"$exists": True}},
            {"idem": "a", "_outbox.event_id": {"$exists": True}},
            {"idem": "zz"},
        )
    }
    assert found == {
        repr({"idem": "a"}): [1, 3, 5],
        repr({"idem": 1}): [6],
        repr({"idem": "c"}): [3],
        repr({"_outbox.event_id": {"$exists": True}}): [1, 6],
        repr({"_outbox.0": {"$exists": True}}): [1, 5],
        repr({"idem": "a", "_outbox.event_id": {"$exists": True}}): [1],
        repr({"idem": "zz"}): [],
    }


def test_a_write_to_a_collection_with_a_unique_index_does_not_test_every_document(monkeypatch):
    import mongomock.collection
    from pymongo.errors import DuplicateKeyError

    coll = create_client(None)["t"][uuid.uuid4().hex]
    coll.create_index("idem", unique=True)
    coll.insert_many([{"_id": n, "idem": f"k{n}"} for n in range(2000)])
    tested, full = [], mongomock.collection.filter_applies
    monkeypatch.setattr(mongomock.collection, "filter_applies", lambda *a, **k: tested.append(1) or full(*a, **k))
    coll.insert_one({"_id": "new", "idem": "fresh"})
    coll.update_one({"_id": "new"}, {"$set": {"status": "PAID"}})
    assert len(tested) < 10  # was a pass over all 2,000 documents for each write
    try:
        coll.insert_one({"_id": "dup", "idem": "k7"})
        raise AssertionError("a duplicate key was accepted")
    except DuplicateKeyError:
        pass
