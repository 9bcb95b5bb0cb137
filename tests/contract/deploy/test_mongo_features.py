"""The MongoDB features the code relies on (README, "MongoDB features relied on"), each checked against the local
server the session started: SecantusDB must support every one, as production's MongoDB does."""

from __future__ import annotations

import datetime
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import gridfs
import pytest
from pymongo import ASCENDING, IndexModel, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError, OperationFailure

from common.app import ROOT
from tests.support.databases import database_client, fresh_database


def replica_set_primary(db):
    hello = db.client.admin.command("hello")
    assert hello["isWritablePrimary"] and hello.get("setName")  # transactions and change semantics need one


def conditional_find_one_and_update(db):
    coll = db["c"]
    coll.insert_one({"_id": "sku", "available": 30, "holds": []})

    def take(n):
        return coll.find_one_and_update(
            {"_id": "sku", "available": {"$gte": 1}, "holds": {"$ne": n}},
            {"$inc": {"available": -1}, "$push": {"holds": n}},
            return_document=ReturnDocument.AFTER,
        )

    with ThreadPoolExecutor(8) as pool:
        won = sum(1 for r in pool.map(take, range(60)) if r is not None)
    assert won == 30 and coll.find_one({"_id": "sku"})["available"] == 0


def update_operators(db):
    coll = db["u"]
    coll.update_one({"_id": 1}, {"$setOnInsert": {"a": [1, 2, 3], "n": 0}}, upsert=True)
    coll.update_one({"_id": 1}, {"$setOnInsert": {"n": 99}}, upsert=True)  # exists: nothing set
    coll.update_one({"_id": 1}, {"$pull": {"a": 2}, "$inc": {"n": 2}, "$unset": {"gone": ""}})
    coll.bulk_write([UpdateOne({"_id": 1}, {"$push": {"a": 4}})])
    assert coll.find_one({"_id": 1}) == {"_id": 1, "a": [1, 3, 4], "n": 2}


def unique_indexes(db):
    coll = db["k"]
    coll.create_indexes([IndexModel([("user_id", ASCENDING), ("idem", ASCENDING)], unique=True)])
    coll.insert_one({"user_id": "u", "idem": "k"})
    with pytest.raises(DuplicateKeyError):
        coll.insert_one({"user_id": "u", "idem": "k"})


def unique_multikey_indexes(db):
    """A unique index on a field of an array's documents: no two products share a variant SKU (one product may
    list its own twice only by mistake, which the service refuses first); sparse, so documents without the array
    (products stored before variants, migrated at start) do not collide on a missing value."""
    coll = db["v"]
    coll.create_indexes([IndexModel([("variants.sku", ASCENDING)], unique=True, sparse=True)])
    coll.insert_many([{"_id": 1, "variants": [{"sku": "A"}, {"sku": "B"}]}, {"_id": 2}, {"_id": 3}])
    with pytest.raises(DuplicateKeyError):
        coll.insert_one({"_id": 4, "variants": [{"sku": "B"}]})
    with pytest.raises(DuplicateKeyError):
        coll.update_one({"_id": 2}, {"$set": {"variants": [{"sku": "A"}]}})
    assert [d["_id"] for d in coll.find({"variants.sku": {"$in": ["B", "Z"]}})] == [1]


def sparse_and_compound_indexes(db):
    coll = db["s"]
    coll.create_indexes([IndexModel([("_outbox.event_id", ASCENDING)], sparse=True), IndexModel([("a", 1), ("b", -1)])])
    coll.insert_many([{"_outbox": [{"event_id": "e"}]}, {"a": 1, "b": 2}])
    assert coll.count_documents({"_outbox.event_id": {"$exists": True}}) == 1


def ttl_indexes(db):
    coll = db["t"]
    coll.create_indexes([IndexModel([("at", ASCENDING)], expireAfterSeconds=60)])
    assert coll.index_information()["at_1"]["expireAfterSeconds"] == 60


def multi_document_transactions(db):
    client = db.client
    with client.start_session() as session:
        session.with_transaction(
            lambda s: (db["x"].insert_one({"_id": 1}, session=s), db["y"].insert_one({"_id": 1}, session=s))
        )
    with pytest.raises(RuntimeError), client.start_session() as session, session.start_transaction():
        db["x"].insert_one({"_id": 2}, session=session)
        raise RuntimeError("rolled back")
    assert db["x"].count_documents({}) == 1 and db["y"].count_documents({}) == 1


def aggregation(db):
    coll = db["a"]
    coll.insert_many([{"w": ["red", "mug"], "n": ["mug"]}, {"w": ["red"], "n": []}])
    wanted = ["red", "mug"]
    (found,) = coll.aggregate(
        [
            {"$match": {"w": "red"}},
            {"$match": {"w": {"$all": ["red"]}}},
            {"$addFields": {"score": {"$add": [{"$size": {"$setIntersection": ["$w", wanted]}}, 1]}}},
            {"$sort": {"score": -1}},
            {"$facet": {"total": [{"$count": "n"}], "items": [{"$skip": 0}, {"$limit": 1}]}},
        ]
    )
    assert found["total"] == [{"n": 2}] and found["items"][0]["score"] == 3
    assert sorted(coll.distinct("w")) == ["mug", "red"]


def facet_counts(db):
    """The catalog's filter counts: one $facet branch per filter, each with its own $match (products/facets.py)."""
    coll = db["f"]
    coll.insert_many(
        [
            {"c": "shirts", "p": 1500, "o": [{"name": "Size", "values": ["S", "M"]}], "in": True},
            {
                "c": "shirts",
                "p": 6000,
                "o": [{"name": "Size", "values": ["M"]}, {"name": "Colour", "values": ["Navy"]}],
            },
            {"c": "mugs", "p": 900, "o": [], "in": False},
        ]
    )
    band = {"$switch": {"branches": [{"case": {"$lt": ["$p", 2500]}, "then": "low"}], "default": "high"}}
    (found,) = coll.aggregate(
        [
            {"$match": {"p": {"$gte": 0}}},
            {
                "$facet": {
                    "c": [{"$group": {"_id": "$c", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}],
                    "band": [{"$group": {"_id": band, "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}],
                    "bucket": [{"$bucket": {"groupBy": "$p", "boundaries": [0, 2500, 10000], "default": "other"}}],
                    "size": [
                        {"$match": {"c": "shirts"}},
                        {"$unwind": "$o"},
                        {"$match": {"o.name": "Size"}},
                        {"$unwind": "$o.values"},
                        {"$group": {"_id": "$o.values", "n": {"$sum": 1}}},
                        {"$sort": {"_id": 1}},
                    ],
                    "colour": [{"$match": {"o": {"$elemMatch": {"name": "Colour", "values": {"$in": ["Navy"]}}}}}],
                    "in": [{"$match": {"in": True}}, {"$count": "n"}],
                }
            },
        ]
    )
    assert found["c"] == [{"_id": "mugs", "n": 1}, {"_id": "shirts", "n": 2}]
    assert found["band"] == [{"_id": "high", "n": 1}, {"_id": "low", "n": 2}]
    assert found["bucket"] == [{"_id": 0, "count": 2}, {"_id": 2500, "count": 1}]
    assert found["size"] == [{"_id": "M", "n": 2}, {"_id": "S", "n": 1}]
    assert len(found["colour"]) == 1 and found["in"] == [{"n": 1}]


def query_operators(db):
    coll = db["q"]
    coll.insert_many([{"e": "Ann@Example.com", "l": [{"s": "A", "q": 1}]}, {"e": "bob@example.com", "l": []}])
    assert coll.count_documents({"e": {"$regex": re.escape("ann@"), "$options": "i"}}) == 1
    assert coll.count_documents({"l": {"$elemMatch": {"s": "A", "q": {"$gte": 1}}}}) == 1
    assert coll.count_documents({"e": {"$in": ["bob@example.com"]}, "l.0": {"$exists": False}}) == 1


def timezone_aware_dates(db):
    at = datetime.datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=datetime.UTC)
    db["d"].insert_one({"_id": 1, "at": at})
    assert db["d"].find_one({"_id": 1})["at"] == at


def gridfs_files(db):
    store = gridfs.GridFS(db, collection="images")
    data = uuid.uuid4().bytes * 6400  # 100 KB: several chunks
    file_id = store.put(data, filename="a.png", content_type="image/png")
    assert store.get(file_id).read() == data and store.find_one({"filename": "a.png"}) is not None


def explain_query_plans(db):
    db["e"].create_index("k")
    plan = db["e"].find({"k": 1}).explain()["queryPlanner"]["winningPlan"]
    assert "IXSCAN" in str(plan)


FEATURES = {
    "a replica-set primary (single node)": replica_set_primary,
    "conditional find_one_and_update, atomic per document": conditional_find_one_and_update,
    "update operators $set $inc $push $pull $unset $setOnInsert, upserts, bulk writes": update_operators,
    "unique compound indexes (DuplicateKeyError)": unique_indexes,
    "unique sparse indexes on an array's field (multikey)": unique_multikey_indexes,
    "sparse and compound indexes": sparse_and_compound_indexes,
    "TTL indexes": ttl_indexes,
    "multi-document transactions": multi_document_transactions,
    "aggregation: $match $addFields $setIntersection $size $sort $facet $count, distinct": aggregation,
    "aggregation in $facet branches: $group $sum $switch $bucket $unwind $elemMatch": facet_counts,
    "query operators $regex $elemMatch $in $exists $all $ne": query_operators,
    "timezone-aware dates (tz_aware clients)": timezone_aware_dates,
    "GridFS": gridfs_files,
    "explain() query plans": explain_query_plans,
}


@pytest.mark.parametrize("feature", FEATURES)
def test_the_local_server_supports_each_feature_the_code_relies_on(feature):
    FEATURES[feature](fresh_database("features"))


def test_the_readme_lists_exactly_these_features():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### MongoDB features relied on", 1)[1].split("\n#", 1)[0]
    listed = re.findall(r"^- (.+?)(?: —|$)", section, re.M)
    assert listed == list(FEATURES)


def test_text_indexes_are_not_among_them_since_the_local_server_refuses_them():
    """Why search uses a words index (services/products/repository.py): SecantusDB 0.7.0b3 has no text index."""
    with pytest.raises(OperationFailure, match="text indexes are not supported"):
        fresh_database("features")["p"].create_index([("name", "text")])
    assert database_client().server_info()["version"]
