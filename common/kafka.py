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
from kafka.errors import TopicAlreadyExistsError

from .events import Event
from .logs import request_id_var

log = logging.getLogger(__name__)
Handler = Callable[[Event], None]
CORRELATION_HEADER = "correlation_id"
INBOX_DAYS = 14


def ensure_topics(bootstrap: str, topics) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="fragmart-admin")
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


class Publisher:
    """A lazily connected producer; events are keyed by their aggregate for per-entity order."""

    def __init__(self, bootstrap: str):
        self.bootstrap = bootstrap
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def producer(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                self._producer = KafkaProducer(bootstrap_servers=self.bootstrap, acks="all", linger_ms=5,
                                               retries=5, request_timeout_ms=10000)
            return self._producer

    def publish(self, topic: str, event: Event, key: str | None = None) -> None:
        headers = [(CORRELATION_HEADER, (event.correlation_id or "").encode())]
        self.producer().send(topic, event.to_json(), key=key.encode() if key else None,
                             headers=headers).get(timeout=10)

    def ping(self) -> None:
        """The broker accepts connections (a cheap, side-effect-free readiness probe)."""
        host, _, port = self.bootstrap.split(",")[0].rpartition(":")
        with socket.create_connection((host, int(port)), timeout=1.0):
            pass

    def close(self) -> None:
        if self._producer is not None:
            self._producer.close(timeout=2)


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

    def _consumer(self) -> KafkaConsumer:
        ensure_topics(self.bootstrap, list(self.handlers) + [f"{t}.dlq" for t in self.handlers])
        return KafkaConsumer(*self.handlers, bootstrap_servers=self.bootstrap, group_id=self.group,
                             enable_auto_commit=False, auto_offset_reset="earliest",
                             session_timeout_ms=6000, heartbeat_interval_ms=2000, max_poll_interval_ms=60000,
                             # The broker holds an empty fetch this long: it bounds each hop's added latency.
                             fetch_max_wait_ms=100, max_poll_records=50)

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
        while not self.stopping.is_set():
            batch = consumer.poll(timeout_ms=200)
            if consumer.assignment():
                self.ready.set()
            for records in batch.values():
                for record in records:
                    self.handle_record(record.topic, record.value)
            if batch:
                consumer.commit()

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
        self.publisher.producer().send(f"{topic}.dlq", raw, headers=[("error", error.encode()[:1000])]).get(10)

    def stop(self) -> None:
        self.stopping.set()
