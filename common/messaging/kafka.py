"""Kafka producer, the one consumer loop (the runner with inbox, retries, DLQ and manual commits is one) and a
topic's history read from its start."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from ..backoff import exponential
from ..observability import tracing
from ..observability.logs import request_id_var
from ..observability.metrics import NoConsumerMetrics
from .events import Event
from .kafka_guard import SpinGuard, TopicWatch, set_fetch_wait, topic_ids

log = logging.getLogger(__name__)
Handler = Callable[[Event], None]
CORRELATION_HEADER = "correlation_id"
INBOX_DAYS = 14
# kafka-python doubles its reconnect pause up to 30 s: a client that saw a broker go away then finds it back up to
# 30 s late (the broker-outage test measured the first event published 10 s, consumed 25 s after the return).
RECONNECT = {"reconnect_backoff_ms": 50, "reconnect_backoff_max_ms": 1000}


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
                    # on event_id and one request in flight keeps a batch in order, so retries neither duplicate
                    # an effect nor reorder. Each batch is flushed, so linger never delays a send. send() waits for
                    # metadata at most as long as a delivery (not 60 s).
                    self._producer = KafkaProducer(
                        **self.options,
                        **RECONNECT,
                        acks="all",
                        linger_ms=5,
                        retries=5,
                        enable_idempotence=False,
                        max_in_flight_requests_per_connection=1,
                        request_timeout_ms=10000,
                        max_block_ms=10000,
                    )
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
        self.publish_all([(topic, event, key)])

    def publish_all(self, items) -> None:
        """Send (topic, event, key) items together and wait for every ack: one round trip for a batch, not one
        each. Any failure discards the producer and raises; items already acked may be sent again later (at least
        once: consumers dedupe on event_id). One connection and one request in flight keep each key's order."""
        producer = self.producer()
        try:
            futures = []
            for topic, event, key in items:
                with tracing.attached(event.traceparent):  # the producer's span joins the trace that made the event
                    futures.append(
                        producer.send(
                            topic,
                            event.to_json(),
                            key=key.encode() if key else None,
                            headers=[(CORRELATION_HEADER, (event.correlation_id or "").encode())],
                        )
                    )
            producer.flush(timeout=10)
            for future in futures:
                future.get(timeout=10)
        except Exception as e:
            self._discard(producer, e)
            raise
        with self._lock:
            self._failures, self._retry_at = 0, 0.0

    def _discard(self, producer: KafkaProducer, error: Exception) -> None:
        with self._lock:
            # A flag, not `if self._producer is not producer`: mypy would then take `producer` for maybe-None below.
            replaced = self._producer is not producer
            if replaced:
                return  # another thread already replaced it
            self._producer = None
            self.rebuilds += 1
            delay = self._back_off()
        log.warning(
            "producer failed; rebuilding it",
            extra={"error": repr(error)[:300], "backoff_s": delay, "failures": self._failures},
        )
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


def read_topic(options: dict, topic: str, timeout: float = 15.0) -> list[bytes]:
    """Every message the broker still holds on `topic`, from the beginning up to its end when asked (no group).
    `options` are the shared Kafka client arguments (common.messaging.kafka_options.client_options)."""
    consumer = KafkaConsumer(**options, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=100)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        if not partitions:
            return []
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end, raws = consumer.end_offsets(partitions), list[bytes]()
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} to its end within {timeout}s")
            for records in consumer.poll(timeout_ms=200).values():
                raws.extend(r.value for r in records)
        return raws
    finally:
        consumer.close()


class ConsumerLoop(threading.Thread):
    """The one consuming thread every reader of topics runs: it builds its consumer (retrying each second while the
    broker is away), polls until stopped behind the spin guard, and after a crash closes and builds a new one.
    A subclass says how its consumer is built (`_consumer`) and what a batch does (`_handle`)."""

    POLL_MS = 200

    def __init__(self, name: str, options: dict, group: str | None = None):
        super().__init__(daemon=True, name=name)
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.guard = SpinGuard(group or name, options)

    def _consumer(self) -> KafkaConsumer:
        raise NotImplementedError

    def _before_poll(self, consumer: KafkaConsumer) -> None:
        """Room for a subclass to adjust its consumer before each poll."""

    def _poll_ms(self) -> int:
        """How long the next poll may wait for records (it returns as soon as some arrive)."""
        return self.POLL_MS

    def _handle(self, consumer: KafkaConsumer, batch: dict) -> None:
        raise NotImplementedError

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                consumer = self._consumer()
            except Exception as e:
                log.warning("kafka not reachable (%s); retrying", type(e).__name__, extra={"consumer": self.name})
                self.stopping.wait(1.0)
                continue
            try:
                self._loop(consumer)
            except Exception:
                log.exception("consumer loop crashed; reconnecting", extra={"consumer": self.name})
            finally:
                consumer.close(autocommit=False)

    def _loop(self, consumer: KafkaConsumer) -> None:
        while not self.stopping.is_set():
            self._before_poll(consumer)
            self.guard.before_poll()
            batch = consumer.poll(timeout_ms=self._poll_ms())
            pause = self.guard.after_poll(bool(batch))
            if pause:
                self.stopping.wait(pause)
            if consumer.assignment():
                self.ready.set()
            self._handle(consumer, batch)

    def stop(self) -> None:
        self.stopping.set()


class ConsumerRunner(ConsumerLoop):
    """Consumes topics for one group: skips handled event_ids, retries, dead-letters, then commits."""

    RETRY_MAX = 5.0  # the longest wait between two tries of one handler (`backoff` doubles from the first)

    def __init__(
        self,
        bootstrap: str,
        group: str,
        handlers: dict[str, Handler],
        inbox,
        publisher: Publisher,
        attempts: int = 3,
        backoff: float = 0.2,
        metrics=None,
    ):
        super().__init__(f"consumer-{group}", {**publisher.options, "bootstrap_servers": bootstrap}, group)
        self.bootstrap, self.group, self.handlers = bootstrap, group, handlers
        self.inbox, self.publisher, self.attempts, self.backoff = inbox, publisher, attempts, backoff
        self.metrics = metrics or NoConsumerMetrics()
        self.watch, self.last_record = TopicWatch(), time.monotonic()

    def _consumer(self) -> KafkaConsumer:
        options = {**self.publisher.options, "bootstrap_servers": self.bootstrap}
        ensure_topics(options, list(self.handlers) + [f"{t}.dlq" for t in self.handlers])
        self.last_record = time.monotonic()  # a new consumer fetches briskly until it has been idle a while
        return KafkaConsumer(
            *self.handlers,
            **options,
            **RECONNECT,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=6000,
            heartbeat_interval_ms=2000,
            max_poll_interval_ms=60000,
            fetch_max_wait_ms=self.BUSY_FETCH_WAIT_MS,
            max_poll_records=200,
            # A restarted broker may auto-create a topic with more partitions than before (Tansu
            # does): notice within seconds and rebalance, not after the default 5 minutes.
            metadata_max_age_ms=5000,
        )

    # Tansu does not answer a held fetch when data arrives: it answers after part of fetch_max_wait (measured on
    # 0.6: a message waits ~15 ms at 100 ms, ~70 ms at 500, ~700 ms at 2000). So the wait bounds each hop's latency
    # while busy, and each empty fetch costs ~3 ms of CPU (3 % of a core at 100 ms, 0.25 % at 2000). A consumer
    # that saw nothing for IDLE_AFTER seconds fetches slowly; the first message wakes it back to fast fetches.
    BUSY_FETCH_WAIT_MS, IDLE_FETCH_WAIT_MS, IDLE_AFTER = 25, 2000, 10.0
    # poll() returns as soon as records arrive, so its timeout sets only how often the loop turns while nothing
    # comes: each turn costs ~0.5 ms of the consumer's thread (metadata, coordinator, positions), 5 turns a second
    # made the idle consumers ~60 % of an idle service's CPU (py-spy, issue 26). A busy consumer turns every 200 ms;
    # an idle one every second. While the spin guard has backed off (a hung broker), the loop keeps 200 ms turns:
    # a poll against a hung broker spins for all of its timeout (1 s turns throughout were measured flaky there).
    POLL_MS, IDLE_POLL_MS = 200, 1000

    def _idle(self) -> bool:
        return time.monotonic() - self.last_record > self.IDLE_AFTER

    def _poll_ms(self) -> int:
        return self.IDLE_POLL_MS if self._idle() and not self.guard.streak else self.POLL_MS

    def _before_poll(self, consumer: KafkaConsumer) -> None:
        self._rewind_recreated(consumer)
        set_fetch_wait(consumer, self.IDLE_FETCH_WAIT_MS if self._idle() else self.BUSY_FETCH_WAIT_MS)

    def _handle(self, consumer: KafkaConsumer, batch: dict) -> None:
        if batch:
            self.last_record = time.monotonic()
        for records in batch.values():
            for record in records:
                self.handle_record(record.topic, record.value, record.headers)
        if batch:
            consumer.commit()
        self.metrics.read_lag(consumer)

    def _rewind_recreated(self, consumer: KafkaConsumer) -> None:
        recreated = self.watch.recreated(topic_ids(consumer, self.handlers))
        partitions = [tp for tp in consumer.assignment() if tp.topic in recreated]
        if partitions:
            log.warning(
                "topics recreated (broker restarted?); reading them again from the start",
                extra={"group": self.group, "topics": sorted(recreated)},
            )
            consumer.seek_to_beginning(*partitions)

    def handle_record(self, topic: str, raw: bytes, headers=()) -> None:
        try:
            event = Event.from_json(raw)
        except (ValueError, TypeError) as e:
            self._dead_letter(topic, raw, f"undecodable: {e}")
            return
        key = f"{self.group}:{event.event_id}"
        if self.inbox.find_one({"_id": key}):
            self.metrics.duplicate(topic)
            return
        token = request_id_var.set(event.correlation_id)
        span = tracing.consuming(topic, self.group, event, headers)
        span.__enter__()  # ended in the finally below: the handler and the events it makes are its children
        try:
            for attempt in range(1, self.attempts + 1):
                try:
                    self.handlers[topic](event)
                    self.metrics.handled(topic)
                    # One INFO line per event and group carries the correlation id across the broker (measured
                    # 19 us of JSON formatting a line: well under 1 % of an order's CPU).
                    log.info("event handled", extra={"topic": topic, "event_id": event.event_id, "group": self.group})
                    break
                except Exception as e:
                    log.warning(
                        "handler failed",
                        extra={"topic": topic, "event_id": event.event_id, "attempt": attempt, "error": repr(e)},
                    )
                    if attempt == self.attempts:
                        self._dead_letter(topic, raw, repr(e))
                        return
                    self.metrics.retried(topic)
                    time.sleep(exponential(attempt, self.backoff, self.RETRY_MAX))
            self.inbox.update_one(
                {"_id": key}, {"$setOnInsert": {"topic": topic, "at": datetime.now(UTC)}}, upsert=True
            )
        finally:
            span.__exit__(None, None, None)
            request_id_var.reset(token)

    def _dead_letter(self, topic: str, raw: bytes, error: str) -> None:
        log.error("dead-lettering message", extra={"topic": topic, "error": error})
        self.metrics.dead_lettered(topic)
        self.publisher.send(f"{topic}.dlq", raw, headers=[("error", error.encode()[:1000])])
