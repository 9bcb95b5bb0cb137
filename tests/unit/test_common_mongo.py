"""The local server keeps MongoDB's single-document atomicity under threads, over the wire."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.support.databases import database_client


def test_conditional_decrements_from_many_threads_never_go_below_zero():
    coll = database_client()["t"][uuid.uuid4().hex]
    coll.insert_one({"_id": "sku", "available": 50})

    def take(_):
        return coll.find_one_and_update({"_id": "sku", "available": {"$gte": 1}}, {"$inc": {"available": -1}})

    with ThreadPoolExecutor(16) as pool:
        won = sum(1 for r in pool.map(take, range(200)) if r is not None)
    assert won == 50
    assert coll.find_one({"_id": "sku"})["available"] == 0


def test_cursors_can_still_be_sorted_skipped_and_limited():
    coll = database_client()["t"][uuid.uuid4().hex]
    coll.insert_many([{"n": i} for i in range(10)])
    assert [d["n"] for d in coll.find().sort("n", -1).skip(2).limit(3)] == [7, 6, 5]
