"""Hears when the server has answered a write this process sent: every client create_client makes reports to it.

The outbox relay looks for an announced event once its write has landed rather than straight away: a look before
the write lands finds nothing and costs a query per outbox collection (issue 26 measured 37-48 % of the relays'
looks finding nothing under load)."""

from __future__ import annotations

from collections.abc import Callable

from pymongo import monitoring

# The commands that change documents, and the one that makes a transaction's writes visible.
WRITE_COMMANDS = frozenset({"insert", "update", "delete", "findAndModify", "commitTransaction"})
_listeners: list[Callable[[], None]] = []


def on_write_answered(listener: Callable[[], None]) -> None:
    _listeners.append(listener)


def off_write_answered(listener: Callable[[], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


class WritesAnswered(monitoring.CommandListener):
    """Called by pymongo in the thread that sent the command, once the server has answered it (or failed to)."""

    def started(self, event) -> None:
        pass

    def succeeded(self, event) -> None:
        self._answered(event.command_name)

    def failed(self, event) -> None:
        self._answered(event.command_name)

    @staticmethod
    def _answered(command: str) -> None:
        if command in WRITE_COMMANDS:
            for listener in list(_listeners):
                listener()


WRITES_ANSWERED = WritesAnswered()
