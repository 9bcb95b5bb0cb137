"""Hears when the server has answered a write this process sent: every client create_client makes reports to it.

The outbox relay looks for an announced event once its write has landed rather than straight away: a look before
the write lands finds nothing and costs a query per outbox collection (issue 26 measured 37-48 % of the relays'
looks finding nothing under load)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from pymongo import monitoring

# The commands that change documents, and the one that makes a transaction's writes visible.
WRITE_COMMANDS = frozenset({"insert", "update", "delete", "findAndModify", "commitTransaction"})
# A listener hears the namespace written ("db.collection"), or None for a transaction's commit (any collection).
Listener = Callable[[str | None], None]
_listeners: list[Listener] = []


def on_write_answered(listener: Listener) -> None:
    _listeners.append(listener)


def off_write_answered(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


class WritesAnswered(monitoring.CommandListener):
    """Called by pymongo in the thread that sent the command: when it is sent (the command names its collection)
    and once the server has answered it (or failed to)."""

    def __init__(self) -> None:
        self._sent: dict[tuple, str | None] = {}
        self._lock = threading.Lock()

    def started(self, event) -> None:
        if event.command_name in WRITE_COMMANDS:
            collection = event.command.get(event.command_name)
            namespace = f"{event.database_name}.{collection}" if isinstance(collection, str) else None
            with self._lock:
                self._sent[(event.connection_id, event.request_id)] = namespace

    def succeeded(self, event) -> None:
        self._answered(event)

    def failed(self, event) -> None:
        self._answered(event)

    def _answered(self, event) -> None:
        if event.command_name not in WRITE_COMMANDS:
            return
        with self._lock:
            namespace = self._sent.pop((event.connection_id, event.request_id), None)
        for listener in list(_listeners):
            listener(namespace)


WRITES_ANSWERED = WritesAnswered()
