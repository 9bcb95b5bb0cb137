"""Kafka producer and the consumer runner (inbox, retries, DLQ, manual commits)."""
from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from .backoff import exponential
from .events import Event
from .kafka_guard import SpinGuard, TopicWatch, topic_ids
from .logs import request_id_var

log = logging.getLogger(__name__)
Handler = Callable[[Event], None]
CORRELATION_HEADER = "correlation_id"
INBOX_DAYS = 14


def ensure_topics(options: dict, topics) -> None:
    admin = KafkaAdminClient(**options, client_id="fragmart-admin")
    try:
        existing = set(admin.list_topics())
        missing = [NewTopic(t, 1, 1) for t in topics if t not in existing]
        if missing:
            try:
                admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass
    finally:
        admin.close()


class BrokerUnavailable(KafkaError):
    """The last producer failed moments ago; the next one is built after a backoff."""


class Publisher:
    """A lazily connected producer; events are keyed by their aggregate for per-entity order.

    A producer that fails a send is thrown away and rebuilt after a bounded backoff: after a broker restart
    the old one stays fatal (its producer id is unknown to the new broker) and would fail every send for good.
    """

    BACKOFF_FIRST, BACKOFF_MAX = 0.5, 5.0

    def __init__(self, bootstrap: str, options: dict | None = None, clock=time.monotonic):
        self.bootstrap = bootstrap
        self.options = {"bootstrap_servers": bootstrap, **(options or {})}
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()
        self._clock, self._failures, self._retry_at = clock, 0, 0.0
        self.rebuilds = 0

    def producer(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                if self._clock() < self._retry_at:
                    raise BrokerUnavailable(f"producer rebuilt after a backoff ({self._failures} failures)")
                try:
                    # No idempotent producer: its producer id dies with a restarted broker, and the old producer
                    # then retries UnknownProducerId until each send times out, or turns fatal. Consumers dedupe
                    # on event_id and the relay sends one event at a time, so retries neither duplicate an
                    # effect nor reorder. send() waits for metadata at most as long as a delivery (not 60 s).
                    self._producer = KafkaProducer(**self.options, acks="all", linger_ms=5, retries=5,
                                                   enable_idempotence=False, max_in_flight_requests_per_connection=1,
                                                   request_timeout_ms=10000, max_block_ms=10000)
                except Exception:
                    self._back_off()
                    raise
            return self._producer

    def send(self, topic: str, value: bytes, key: bytes | None = None, headers=None) -> None:
        """Send and wait for the broker's ack; any failure discards the producer (it may be fatal)."""
        producer = self.producer()
        try:
            producer.send(topic, value, key=key, headers=headers or []).get(timeout=10)
        except Exception as e:
            self._discard(producer, e)
            raise
        with self._lock:
            self._failures, self._retry_at = 0, 0.0

    def publish(self, topic: str, event: Event, key: str | None = None) -> None:
        headers = [(CORRELATION_HEADER, (event.correlation_id or "").encode())]
        self.send(topic, event.to_json(), key=key.encode() if key else None, headers=headers)

    def _discard(self, producer: KafkaProducer, error: Exception) -> None:
        with self._lock:
            # A flag, not `if self._producer is not producer`: mypy would then take `producer` for maybe-None below.
            replaced = self._producer is not producer
            if replaced:
                return  # another thread already replaced it
            self._producer = None
            self.rebuilds += 1
            delay = self._back_off()
        log.warning("producer failed; rebuilding it", extra={"error": repr(error)[:300], "backoff_s": delay,
                                                             "failures": self._failures})
        try:
            # close() flushes first and raises while batches are pending, leaving its I/O thread running:
            # abort the batches (force_close), then close, so no thread outlives the discarded producer.
            sender = getattr(producer, "_sender", None)
            if sender is not None:
                sender.force_close()
            producer.close(timeout=1)
        except Exception:
            log.warning("a failed producer did not close cleanly", exc_info=True)

    def _back_off(self) -> float:
        """Called with the lock held: the next producer waits 0.5, 1, 2 … up to 5 s after failures."""
        self._failures += 1
        delay = exponential(self._failures, self.BACKOFF_FIRST, self.BACKOFF_MAX)
        self._retry_at = self._clock() + delay
        return delay

    def ping(self) -> None:
        """The broker accepts connections (a cheap, side-effect-free readiness probe)."""
        host, _, port = self.bootstrap.split(",")[0].rpartition(":")
        with socket.create_connection((host, int(port)), timeout=1.0):
            pass

    def close(self) -> None:
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            producer.close(timeout=2)


class ConsumerRunner(threading.Thread):
    """Consumes topics for one group: skips handled event_ids, retries, dead-letters, then commits."""

    def __init__(self, bootstrap: str, group: str, handlers: dict[str, Handler], inbox, publisher: Publisher,
                 attempts: int = 3, backoff: float = 0.2):
        super().__init__(daemon=True, name=f"consumer-{group}")
        self.bootstrap, self.group, self.handlers = bootstrap, group, handlers
        self.inbox, self.publisher, self.attempts, self.backoff = inbox, publisher, attempts, backoff
        # Remember handled event ids longer than any topic keeps its messages, then let them go.
        inbox.create_index("at", expireAfterSeconds=INBOX_DAYS * 86400, name="inbox_ttl")
        self.stopping = threading.Event()
        self.ready = threading.Event()
        options = {**publisher.options, "bootstrap_servers": bootstrap}
        self.guard, self.watch = SpinGuard(group, options), TopicWatch()

    def _consumer(self) -> KafkaConsumer:
        options = {**self.publisher.options, "bootstrap_servers": self.bootstrap}
        ensure_topics(options, list(self.handlers) + [f"{t}.dlq" for t in self.handlers])
        return KafkaConsumer(*self.handlers, **options, group_id=self.group,
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             session_timeout_ms=6000, heartbeat_interval_ms=2000, max_poll_interval_ms=60000,
                             # The broker holds an empty fetch this long: it bounds each hop's added latency.
                             fetch_max_wait_ms=100, max_poll_records=50,
                             # A restarted broker may auto-create a topic with more partitions than before (Tansu
                             # does): notice within seconds and rebalance, not after the default 5 minutes.
                             metadata_max_age_ms=5000)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                consumer = self._consumer()
            except Exception as e:
                log.warning("kafka not reachable (%s); retrying", type(e).__name__)
                self.stopping.wait(1.0)
                continue
            try:
                self._loop(consumer)
            except Exception:
                log.exception("consumer loop crashed; reconnecting")
            finally:
                consumer.close(autocommit=False)

    def _loop(self, consumer: KafkaConsumer) -> None:
        guard = self.guard
        while not self.stopping.is_set():
            self._rewind_recreated(consumer)
            guard.before_poll()
            batch = consumer.poll(timeout_ms=200)
            pause = guard.after_poll(bool(batch))
            if pause:
                self.stopping.wait(pause)
            if consumer.assignment():
                self.ready.set()
            for records in batch.values():
                for record in records:
                    self.handle_record(record.topic, record.value)
            if batch:
                consumer.commit()

    def _rewind_recreated(self, consumer: KafkaConsumer) -> None:
        recreated = self.watch.recreated(topic_ids(consumer, self.handlers))
        partitions = [tp for tp in consumer.assignment() if tp.topic in recreated]
        if partitions:
            log.warning("topics recreated (broker restarted?); reading them again from the start",
                        extra={"group": self.group, "topics": sorted(recreated)})
            consumer.seek_to_beginning(*partitions)

    def handle_record(self, topic: str, raw: bytes) -> None:
        try:
            event = Event.from_json(raw)
        except (ValueError, TypeError) as e:
            self._dead_letter(topic, raw, f"undecodable: {e}")
            return
        key = f"{self.group}:{event.event_id}"
        if self.inbox.find_one({"_id": key}):
            return
        token = request_id_var.set(event.correlation_id)
        try:
            for attempt in range(1, self.attempts + 1):
                try:
                    self.handlers[topic](event)
                    log.info("event handled", extra={"topic": topic, "event_id": event.event_id,
                                                     "group": self.group})
                    break
                except Exception as e:
                    log.warning("handler failed", extra={"topic": topic, "event_id": event.event_id,
                                                         "attempt": attempt, "error": repr(e)})
                    if attempt == self.attempts:
                        self._dead_letter(topic, raw, repr(e))
                        return
                    time.sleep(self.backoff * attempt)
            self.inbox.update_one({"_id": key}, {"$setOnInsert": {"topic": topic, "at": datetime.now(UTC)}},
                                  upsert=True)
        finally:
            request_id_var.reset(token)

    def _dead_letter(self, topic: str, raw: bytes, error: str) -> None:
        log.error("dead-lettering message", extra={"topic": topic, "error": error})
        self.publisher.send(f"{topic}.dlq", raw, headers=[("error", error.encode()[:1000])])

    def stop(self) -> None:
        self.stopping.set()
