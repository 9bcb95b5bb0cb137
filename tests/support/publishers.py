"""A publisher that records what would have gone to the broker, for tests of the consumer runner."""

from __future__ import annotations


class RecordingPublisher:
    """Stands in for the broker at the runner's edge: what would have been sent to a `.dlq` topic."""

    options: dict = {}

    def __init__(self):
        self.sent: list[tuple[str, bytes, list]] = []

    def send(self, topic, raw, headers=()):
        self.sent.append((topic, raw, list(headers)))
