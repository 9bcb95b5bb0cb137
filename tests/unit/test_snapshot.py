"""The in-process engine's snapshot file: a faithful round trip, atomic replacement, writes only when changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bson import Int64, ObjectId
from pymongo.errors import DuplicateKeyError

from common.mongo import create_client
from common.snapshot import SnapshotError, Snapshotter, load, write
from tests.polling import wait_until


def _filled_client():
    client = create_client(None)
    orders = client["orders"]["orders"]
    orders.create_index([("user_id", 1), ("created_at", -1)])
    orders.create_index("idempotency_key", unique=True, sparse=True)
    client["inventory"]["holds"].create_index("expires_at", expireAfterSeconds=0)
    orders.insert_many(
        [
            {
                "_id": "o-1",
                "user_id": "u",
                "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                "total": Int64(2**40),
                "lines": [{"sku": "A", "qty": 2}],
                "raw": b"\x00\x01",
                "outbox": [],
            },
            {"_id": ObjectId(), "user_id": "v", "idempotency_key": "k-1", "price": 1999},
        ]
    )
    return client


def test_a_snapshot_restores_every_document_type_and_index_in_insertion_order(tmp_path):
    source, restored = _filled_client(), create_client(None)
    write(source, tmp_path / "orders.bson")

    assert load(restored, tmp_path / "orders.bson") == 2
    assert list(restored["orders"]["orders"].find()) == list(source["orders"]["orders"].find())
    assert restored["orders"]["orders"].index_information() == source["orders"]["orders"].index_information()
    assert restored["inventory"]["holds"].index_information()["expires_at_1"]["expireAfterSeconds"] == 0
    with pytest.raises(DuplicateKeyError):  # the unique index is live, not just listed
        restored["orders"]["orders"].insert_one({"idempotency_key": "k-1"})


def test_no_file_means_an_empty_start(tmp_path):
    assert load(create_client(None), tmp_path / "none.bson") == 0


def test_a_damaged_or_foreign_file_is_refused_with_the_way_out(tmp_path):
    path = tmp_path / "orders.bson"
    write(_filled_client(), path)
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(SnapshotError, match="make reset"):
        load(create_client(None), path)
    path.write_bytes(b"")
    write(create_client(None), path)
    path.write_bytes(path.read_bytes().replace(b"fragmart.mongomock-snapshot", b"something.else-snapshot..."))
    with pytest.raises(SnapshotError, match="make reset"):
        load(create_client(None), path)


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_behind(tmp_path):
    path = tmp_path / "orders.bson"
    write(_filled_client(), path)
    write(create_client(None), path)
    assert load(create_client(None), path) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["orders.bson"]


def test_the_writer_saves_a_change_within_its_interval_and_again_at_stop(tmp_path):
    client, path = create_client(None), tmp_path / "users.bson"
    saver = Snapshotter(client, path, interval=0.1).start()
    try:
        client["users"]["profiles"].insert_one({"_id": "a"})
        wait_until(
            lambda: path.exists() and load(create_client(None), path) == 1,
            timeout=5,
            message="the insert in the snapshot",
        )
        client["users"]["profiles"].insert_one({"_id": "b"})
    finally:
        saver.stop()
    assert load(create_client(None), path) == 2


def test_the_writer_leaves_the_file_alone_while_nothing_changes(tmp_path):
    client, path = create_client(None), tmp_path / "users.bson"
    saver = Snapshotter(client, path, interval=0.05).start()
    try:
        client["users"]["profiles"].insert_one({"_id": "a"})
        wait_until(path.exists, timeout=5, message="the first snapshot")
        saver.flush()
        first = path.stat().st_mtime_ns
        saver._stop.wait(0.3)  # six intervals with no write
        assert path.stat().st_mtime_ns == first
    finally:
        saver.stop()


def test_restored_datetimes_compare_in_queries_as_before(tmp_path):
    source, restored = _filled_client(), create_client(None)
    write(source, tmp_path / "orders.bson")
    load(restored, tmp_path / "orders.bson")
    cutoff = datetime(2026, 6, 1, tzinfo=UTC)
    for client in (source, restored):
        assert [d["_id"] for d in client["orders"]["orders"].find({"created_at": {"$lt": cutoff}})] == ["o-1"]
    restored["orders"]["orders"].update_one({"_id": "o-1"}, {"$set": {"created_at": cutoff}})
    assert restored["orders"]["orders"].find_one({"_id": "o-1"})["created_at"] == cutoff
