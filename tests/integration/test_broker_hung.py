"""A hung broker (SIGSTOP: connections accepted, nothing answered) must not make a consumer spin."""

from __future__ import annotations

import os
import threading
import time
import uuid

from common.messaging.events import make_event
from common.messaging.kafka import ConsumerRunner, Publisher
from common.messaging.kafka_guard import broker_answers
from tests.support.databases import database_client
from tests.support.polling import wait_until

TICK = os.sysconf("SC_CLK_TCK")


def kafka_cpu_seconds() -> float:
    """CPU of this process's consumer and kafka-python I/O threads, read from /proc (user + system)."""
    total = 0
    for t in threading.enumerate():
        if t.name.startswith(("consumer-", "kafka-io")) and t.native_id:
            try:
                fields = open(f"/proc/self/task/{t.native_id}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def test_a_consumer_backs_off_instead_of_spinning_while_the_broker_hangs_and_resumes_after(broker):
    topic, seen = f"hung.{uuid.uuid4().hex[:8]}", []
    publisher = Publisher(broker.url)
    runner = ConsumerRunner(
        broker.url, f"g-{topic}", {topic: seen.append}, database_client()["t"][uuid.uuid4().hex], publisher
    )
    runner.start()
    try:
        assert runner.ready.wait(60), "consumer never joined its group"
        assert broker_answers({"bootstrap_servers": broker.url})
        with broker.frozen():
            # SIGSTOP is delivered asynchronously: a request already in hand may still be answered; then silence.
            wait_until(lambda: not broker_answers({"bootstrap_servers": broker.url}), 5, message="the broker to hang")
            time.sleep(4)  # past the heartbeat interval: from here on an unguarded poll spins (~0.8 cores here)
            before, started = kafka_cpu_seconds(), time.monotonic()
            time.sleep(12)
            share = (kafka_cpu_seconds() - before) / (time.monotonic() - started)
        print(f"\nconsumer + kafka I/O threads with the broker hung: {share:.3f} cores, {runner.guard.spins} back-offs")
        assert share < 0.2, f"the consumer burns {share:.2f} cores against a hung broker"
        publisher.publish(topic, make_event(topic, {"n": 1}, "test"))
        wait_until(lambda: seen, 60, message="the consumer to receive again once the broker resumes")
    finally:
        runner.stop()
        runner.join(10)
        publisher.close()
