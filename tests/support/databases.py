"""A database of a test's own on the session's server (tests/conftest.py's mongo_url), for in-process tests."""

from __future__ import annotations

import functools
import os
import uuid

from common.mongo.database import create_client


@functools.cache
def _client(url: str):
    return create_client(url)


def database_client():
    """The client of the session's server (one per session: its connection pool is reused)."""
    return _client(os.environ["MONGO_URL"])


def fresh_database(name: str = "t"):
    """An empty database no other test uses."""
    return database_client()[f"{name}_{uuid.uuid4().hex}"]
