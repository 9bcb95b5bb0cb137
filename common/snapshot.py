"""Keeps a service's in-process databases in one file: loaded at start, rewritten at most once a second and at exit.

Format (a stream of BSON documents, read with bson.decode_file_iter): a header {format, version, written_at};
then per collection {"collection": {db, name, indexes, count}} followed by its `count` documents, in insertion
order. BSON keeps every type the services store (datetimes, ObjectIds, int64, bytes). A new file is written beside
the old one, fsynced and renamed over it, so a crash at any moment leaves the previous or the new snapshot whole.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bson
from bson.codec_options import CodecOptions

from .mongo import _ENGINE_LOCK

log = logging.getLogger(__name__)
FORMAT, VERSION = "fragmart.mongomock-snapshot", 1
INTERVAL = 1.0  # a SIGKILL loses at most the writes of the last interval (plus the time one snapshot takes)
CODEC: CodecOptions[dict[str, Any]] = CodecOptions(tz_aware=False)  # naive UTC, as the engine keeps datetimes inside
INDEX_OPTIONS = ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression")
_WRITES = (
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "find_one_and_update",
    "find_one_and_replace",
    "find_one_and_delete",
    "bulk_write",
    "create_index",
    "drop_index",
    "drop",
)
_generation = [0]


class SnapshotError(Exception):
    """A snapshot file this code cannot read; `make reset` starts from a clean seed instead."""


def _count_writes() -> None:
    """Count finished writes, so the writer knows when there is anything new. Counted after the write returns:
    a snapshot that reads the count before dumping then never misses a write it claims to hold."""
    from mongomock.collection import Collection

    if getattr(Collection, "_snapshot_counted", False):
        return
    for name in _WRITES:
        original = getattr(Collection, name)

        @functools.wraps(original)
        def counted(self, *a, __original=original, **kw):
            try:
                return __original(self, *a, **kw)
            finally:
                _generation[0] += 1

        setattr(Collection, name, counted)
    Collection._snapshot_counted = True  # type: ignore[attr-defined]  # our mark on the engine's class


def _stored(coll) -> list[dict]:
    """The collection's documents as the engine holds them: read in place, since find() copies each one (seconds
    under the engine lock for 10,000 orders); the public API if this engine version keeps them elsewhere."""
    store = getattr(coll, "_store", None)
    return list(store.documents) if store is not None and hasattr(store, "_documents") else list(coll.find())


def _restore(coll, docs: list[dict]) -> None:
    """Documents put back as they were stored (they met the indexes then), without insert_many's per-document
    checks, which scan the collection for every unique index (quadratic for a large collection)."""
    store = getattr(coll, "_store", None)
    if store is None or not hasattr(store, "_documents"):
        if docs:
            coll.insert_many(docs)
        return
    for doc in docs:
        store[doc["_id"]] = doc


def dump(client) -> bytes:
    """Every database of the client as one snapshot, taken under the engine lock (one consistent moment)."""
    parts = [bson.encode({"format": FORMAT, "version": VERSION, "written_at": datetime.now(UTC)})]
    with _ENGINE_LOCK:
        for db_name in client.list_database_names():
            db = client[db_name]
            for name in db.list_collection_names():
                coll = db[name]
                docs = _stored(coll)
                indexes = [
                    {
                        "name": n,
                        "key": [list(k) for k in info["key"]],
                        **{o: info[o] for o in INDEX_OPTIONS if o in info},
                    }
                    for n, info in coll.index_information().items()
                    if n != "_id_"
                ]
                parts.append(
                    bson.encode({"collection": {"db": db_name, "name": name, "indexes": indexes, "count": len(docs)}})
                )
                parts.extend(bson.encode(d) for d in docs)
    return b"".join(parts)


def load(client, path: Path) -> int:
    """Put a snapshot's collections into an empty client; returns the number of documents (0 with no file)."""
    if not path.exists():
        return 0
    total = 0
    with path.open("rb") as f:
        stream = bson.decode_file_iter(f, codec_options=CODEC)
        try:
            header = next(stream)
            if header.get("format") != FORMAT or header.get("version") != VERSION:
                raise SnapshotError(f"{path} is not a version {VERSION} snapshot; `make reset` starts clean")
            for entry in stream:
                meta = entry["collection"]
                coll = client[meta["db"]][meta["name"]]
                for index in meta["indexes"]:
                    coll.create_index(
                        [tuple(k) for k in index["key"]],
                        name=index["name"],
                        **{o: index[o] for o in INDEX_OPTIONS if o in index},
                    )
                docs = [next(stream) for _ in range(meta["count"])]
                _restore(coll, docs)
                total += len(docs)
        except (bson.errors.InvalidBSON, StopIteration, KeyError) as e:
            raise SnapshotError(f"{path} is damaged ({e!r}); `make reset` starts from a clean seed") from e
    return total


def write(client, path: Path) -> None:
    """Write a snapshot atomically: a temporary file beside it, fsynced, renamed over the old one."""
    data = dump(client)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Snapshotter:
    """Loads the file into the client, then rewrites it at most every INTERVAL while writes happen, and at exit."""

    def __init__(self, client, path: Path, interval: float = INTERVAL):
        self.client, self.path, self.interval = client, path, interval
        self.saved = -1
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="mongo-snapshot", daemon=True)

    def start(self) -> Snapshotter:
        _count_writes()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        restored = load(self.client, self.path)
        log.info("database restored", extra={"path": str(self.path), "documents": restored})
        self.saved = _generation[0]
        self._thread.start()
        atexit.register(self.stop)
        return self

    def flush(self) -> None:
        """Write a snapshot if anything was written since the last one."""
        with self._lock:
            generation = _generation[0]
            if generation == self.saved:
                return
            write(self.client, self.path)
            self.saved = generation

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except Exception:  # a full disk must not stop the service; the next interval tries again
                log.exception("snapshot failed", extra={"path": str(self.path)})

    def stop(self) -> None:
        """A clean stop writes the last changes."""
        self._stop.set()
        self.flush()


def persist(client, data_dir: str, name: str) -> Snapshotter:
    return Snapshotter(client, Path(data_dir) / f"{name}.bson").start()
