"""A guarded write with its events: the one way an aggregate changes state and queues what it tells others."""

from __future__ import annotations

from pymongo import ReturnDocument

from ..clock import now
from ..messaging.events import Event, push_outbox


def move(
    collection,
    where: dict,
    update: dict,
    events: tuple[Event, ...] = (),
    projection=None,
    session=None,
    key: tuple[str, ...] = ("_id",),
    exact_after: bool = False,
) -> dict | None:
    """Apply `update` to the document `where` matches (its `key` fields and a guard), stamp `updated_at` (unless
    the update sets it) and push `events` to its outbox, all in one single-document write (part of `session`'s
    transaction when given). Returns the document after it, or None when the guard no longer matched (another
    writer moved it first: the caller re-reads and decides again).

    The document after is read back by `key` (the _id, and the shard key where there is one): SecantusDB 0.7.0b3's
    findAndModify re-checks its filter under $and with a scan of the whole collection (py-spy: nearly all of the
    server's time in the saga), where an update finds the document by _id. The read-back shows this write and any
    that followed it; `exact_after` (a small collection whose callers need the exact state their write left, such
    as the stock counts) uses find_one_and_update instead."""
    update = {**update, "$set": {"updated_at": now(), **update.get("$set", {})}}
    if events:
        update["$push"] = {**update.get("$push", {}), **push_outbox(*events)}
    if exact_after:
        return collection.find_one_and_update(
            where, update, projection=projection, return_document=ReturnDocument.AFTER, session=session
        )
    if not collection.update_one(where, update, session=session).matched_count:
        return None
    return collection.find_one({k: where[k] for k in key}, projection, session=session)


def statuses(src: str | tuple[str, ...] | list[str]) -> dict:
    """The guard on a document's status: one state or any of several."""
    return {"status": src} if isinstance(src, str) else {"status": {"$in": list(src)}}
