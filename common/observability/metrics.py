"""Domain metrics shared by every process: consumers (handled, retried, dead-lettered, lag) and circuit breakers."""

from __future__ import annotations

import time

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from .. import breaker

BREAKER_STATES = {breaker.CLOSED: 0, breaker.HALF_OPEN: 1, breaker.OPEN: 2}


class ConsumerMetrics:
    """What one consumer group did with each topic's records, and how far behind the log it is."""

    LAG_EVERY = 1.0  # seconds between lag readings: positions are local state, but not free

    def __init__(self, obs, group: str, clock=time.monotonic):
        self.group, self._clock, self._read_at = group, clock, 0.0
        self._handled = obs.counter(
            "consumer_events_handled_total", "Events a consumer group handled", ("group", "topic")
        )
        self._retried = obs.counter(
            "consumer_events_retried_total", "Handler attempts that failed and were retried", ("group", "topic")
        )
        self._dead = obs.counter(
            "consumer_events_dead_lettered_total", "Records sent to a dead-letter topic", ("group", "topic")
        )
        self._skipped = obs.counter(
            "consumer_events_duplicate_total",
            "Records skipped: their event id was already handled (the inbox)",
            ("group", "topic"),
        )
        self._lag = obs.labelled_gauge(
            "consumer_lag_records", "Records in the log not yet read by a consumer group", ("group", "topic")
        )

    def handled(self, topic: str) -> None:
        self._handled.labels(self.group, topic).inc()

    def retried(self, topic: str) -> None:
        self._retried.labels(self.group, topic).inc()

    def dead_lettered(self, topic: str) -> None:
        self._dead.labels(self.group, topic).inc()

    def duplicate(self, topic: str) -> None:
        self._skipped.labels(self.group, topic).inc()

    def read_lag(self, consumer) -> None:
        """Highwater minus position per assigned partition, summed per topic, at most once a second."""
        now = self._clock()
        if now - self._read_at < self.LAG_EVERY:
            return
        self._read_at = now
        lags: dict[str, int] = {}
        for tp in consumer.assignment() or ():
            high = consumer.highwater(tp)
            try:
                position = consumer.position(tp, timeout_ms=0)
            except Exception:  # being reassigned right now: read it next time
                continue
            if high is not None and position is not None:
                lags[tp.topic] = lags.get(tp.topic, 0) + max(0, high - position)
        for topic, lag in lags.items():
            self._lag.labels(self.group, topic).set(lag)


class NoConsumerMetrics:
    """The consumer runner's default outside an app (unit tests): counts nothing."""

    def handled(self, topic): ...
    def retried(self, topic): ...
    def dead_lettered(self, topic): ...
    def duplicate(self, topic): ...
    def read_lag(self, consumer): ...


class BreakerCollector:
    """Every circuit breaker of this process, read at scrape time: its state and how often it opened."""

    def collect(self):
        state = GaugeMetricFamily(
            "circuit_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open", labels=["upstream"]
        )
        opened = CounterMetricFamily("circuit_breaker_opened", "Times a circuit breaker opened", labels=["upstream"])
        seen: dict[str, tuple[int, int]] = {}
        for b in breaker.all_breakers():
            # Several clients may share an upstream name (two callers of one service): report the worst state.
            worst, count = seen.get(b.name, (0, 0))
            seen[b.name] = (max(worst, BREAKER_STATES[b.state]), count + b.openings)
        for name, (value, count) in sorted(seen.items()):
            state.add_metric([name], value)
            opened.add_metric([name], count)
        yield state
        yield opened
