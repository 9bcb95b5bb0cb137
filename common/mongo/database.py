"""Mongo client factory and the service's database: MONGO_URL names the server, locally and in production."""

from __future__ import annotations

import pymongo

from ..platform import ServicePlatform, platform_of
from .writes import WRITES_ANSWERED


def create_client(mongo_url: str):
    return pymongo.MongoClient(
        mongo_url, tz_aware=True, serverSelectionTimeoutMS=3000, event_listeners=[WRITES_ANSWERED]
    )


def get_database(app):
    """The service's own database, named after the service (after MONGO_DB_PREFIX, which tests set to isolate)."""
    return platform_of(app, kind=ServicePlatform).database


def in_transaction(collection, work):
    """`work(session)` as one multi-document transaction on the collection's server: its writes land together or
    not at all. Retried whole on a transient error (a write conflict with another transaction); any other error
    aborts it and propagates."""
    with collection.database.client.start_session() as session:
        return session.with_transaction(work)


def ping(client) -> None:
    client.admin.command("ping")


def written(doc: dict | None) -> dict:
    """A document read back just after this process inserted or upserted it. Only a delete in between could hide
    it, and nothing deletes these documents, so a miss is a bug to fail loudly on rather than a None to pass on."""
    if doc is None:
        raise LookupError("a document just written is gone")
    return doc
