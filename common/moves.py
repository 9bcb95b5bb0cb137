"""A guarded write with its events: the one way an aggregate changes state and queues what it tells others."""

from __future__ import annotations

from pymongo import ReturnDocument

from .clock import now
from .events import Event, push_outbox


def move(
    collection, where: dict, update: dict, events: tuple[Event, ...] = (), projection=None, session=None
) -> dict | None:
    """Apply `update` to the document `where` matches, stamp `updated_at` (unless the update sets it) and push
    `events` to its outbox, all in one single-document write (part of `session`'s transaction when given).
    Returns the document after it, or None when the guard no longer matched (another writer moved it first: the
    caller re-reads and decides again)."""
    update = {**update, "$set": {"updated_at": now(), **update.get("$set", {})}}
    if events:
        update["$push"] = {**update.get("$push", {}), **push_outbox(*events)}
    return collection.find_one_and_update(
        where, update, projection=projection, return_document=ReturnDocument.AFTER, session=session
    )


def statuses(src: str | tuple[str, ...] | list[str]) -> dict:
    """The guard on a document's status: one state or any of several."""
    return {"status": src} if isinstance(src, str) else {"status": {"$in": list(src)}}
