"""Mongo client factory: MONGO_URL means real MongoDB, none means the in-process engine."""
from __future__ import annotations

import functools
import threading

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

    for name in ("insert_one", "insert_many", "find_one", "update_one", "update_many", "replace_one",
                 "delete_one", "delete_many", "find_one_and_update", "find_one_and_replace",
                 "find_one_and_delete", "count_documents", "aggregate", "bulk_write", "create_index",
                 "distinct"):
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
    _WRAPPED = True


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
