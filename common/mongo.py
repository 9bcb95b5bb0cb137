"""Mongo client factory: MONGO_URL means real MongoDB, none means the in-process engine."""

from __future__ import annotations

import functools
import threading
import time

import pymongo

_ENGINE_LOCK = threading.RLock()
_WRAPPED = False


def _serialise_in_process_engine() -> None:
    """mongomock has no locking; MongoDB guarantees single-document atomicity, so give the
    in-process engine the same guarantee by serialising its collection operations."""
    global _WRAPPED
    if _WRAPPED:
        return
    from mongomock.collection import Collection

    for name in (
        "insert_one",
        "insert_many",
        "find_one",
        "update_one",
        "update_many",
        "replace_one",
        "delete_one",
        "delete_many",
        "find_one_and_update",
        "find_one_and_replace",
        "find_one_and_delete",
        "count_documents",
        "aggregate",
        "bulk_write",
        "create_index",
        "distinct",
    ):
        original = getattr(Collection, name)

        @functools.wraps(original)
        def locked(self, *a, __original=original, **kw):
            with _ENGINE_LOCK:
                return __original(self, *a, **kw)

        setattr(Collection, name, locked)
    from mongomock.collection import Cursor

    compute = Cursor._compute_results

    @functools.wraps(compute)
    def locked_compute(self, *a, **kw):
        with _ENGINE_LOCK:
            return compute(self, *a, **kw)

    Cursor._compute_results = locked_compute  # type: ignore[method-assign]  # a deliberate patch, as above
    Collection._iter_documents = _by_id_first(Collection._iter_documents)  # type: ignore[method-assign]
    from mongomock.store import CollectionStore

    CollectionStore._remove_expired_documents = _like_the_ttl_monitor(  # type: ignore[method-assign]
        CollectionStore._remove_expired_documents
    )
    _WRAPPED = True


TTL_MONITOR_SECONDS = 60.0
_ttl_clock = time.monotonic


def _like_the_ttl_monitor(remove_expired):
    """mongomock expires TTL'd documents by scanning the whole collection before every insert, count and scan: with
    the inbox's TTL index each consumed event cost a pass over every event handled before it (py-spy: half of a
    consumer's CPU, growing without bound). MongoDB's TTL monitor removes expired documents once every 60 s, so
    documents may outlive their expiry by that much there too; the in-process engine now does the same."""

    @functools.wraps(remove_expired)
    def at_most_once_a_minute(self):
        at = _ttl_clock()
        if at - getattr(self, "_fragmart_ttl_at", -TTL_MONITOR_SECONDS) >= TTL_MONITOR_SECONDS:
            self._fragmart_ttl_at = at
            remove_expired(self)

    return at_most_once_a_minute


def _by_id_first(iter_documents):
    """mongomock scans every document for every query, even by _id (and first expires TTL'd ones: the inbox):
    3-4 ms at 5,000 documents, under the lock above, for each order read and each consumed event. A filter with a
    plain _id reads that one document, as MongoDB's _id index would; the rest of the filter still applies.
    Other filters are first narrowed by a cheap test on each document (see _narrowing), as an index would."""
    from mongomock.filtering import filter_applies

    @functools.wraps(iter_documents)
    def by_id(self, filter):
        key = filter.get("_id") if isinstance(filter, dict) else None
        if isinstance(key, str | int | bytes) or type(key).__name__ == "ObjectId":
            doc = self._store._documents.get(key)
            return iter([doc] if doc is not None and filter_applies(filter, doc) else [])
        narrow = _narrowing(filter)
        if narrow is None or self._store.is_empty:
            return iter_documents(self, filter)
        self._store._remove_expired_documents()
        return (doc for doc in narrow(list(self._store._documents.values())) if filter_applies(filter, doc))

    return by_id


def _narrowing(filter):
    """A cheap pass over the documents that keeps every possible match, or None. mongomock's full test costs
    ~1 us a document, and every write to a collection with a unique index (orders' idempotency key) and every
    outbox relay look ran it over the whole collection; these two shapes, a top-level equality and
    `{"a.b": {"$exists": True}}` (the relay's query), are narrowed by a dict lookup first, as an index would.
    Documents that pass still get the full test."""
    if not isinstance(filter, dict):
        return None
    narrowers = []
    for key, value in filter.items():
        if key.startswith("$"):
            continue
        if "." not in key and isinstance(value, str | int) and not isinstance(value, bool):
            # Equal, or an array (which matches when it holds the value): nothing else can match.
            narrowers.append(
                lambda docs, k=key, v=value: [d for d in docs if (x := d.get(k)) == v or isinstance(x, list)]
            )
        elif "." in key and value == {"$exists": True}:
            narrowers.append(lambda docs, head=key.split(".", 1)[0]: [d for d in docs if d.get(head)])
    if not narrowers:
        return None

    def narrow(docs):
        for narrower in narrowers:
            docs = narrower(docs)
        return docs

    return narrow


def create_client(mongo_url: str | None):
    if mongo_url:
        return pymongo.MongoClient(mongo_url, tz_aware=True, serverSelectionTimeoutMS=3000)
    import mongomock

    _serialise_in_process_engine()
    return mongomock.MongoClient(tz_aware=True)


def get_database(app):
    """The service's own database, named after the service."""
    return app.extensions["mongo"][app.extensions["settings"].name]


def ping(client) -> None:
    client.admin.command("ping")


def written(doc: dict | None) -> dict:
    """A document read back just after this process inserted or upserted it. Only a delete in between could hide
    it, and nothing deletes these documents, so a miss is a bug to fail loudly on rather than a None to pass on."""
    if doc is None:
        raise LookupError("a document just written is gone")
    return doc
