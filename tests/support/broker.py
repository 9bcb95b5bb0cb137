"""Broker helpers for integration tests: a private Tansu per module, reading whole topics, waiting out lag."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient

from devstack.probes import free_port
from devstack.processes import ROOT, infra_spec
from devstack.supervised import Supervised, stop_all
from tests.support.polling import wait_until


@contextmanager
def private_broker(log_dir: Path):
    """A Tansu broker for one test module, so its consumer groups meet no other module's."""
    spec = infra_spec("kafka", free_port())
    proc = Supervised(spec, log_dir / "kafka.log", dict(os.environ), ROOT).start()
    try:
        proc.wait_ready(30)
        yield spec.url
    finally:
        stop_all([proc])


def read_all(bootstrap: str, topics) -> list[tuple[str, bytes]]:
    """Every message of the topics, from the start, as (topic, raw value)."""
    consumer = KafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=3000,
    )
    try:
        return [(record.topic, record.value) for record in consumer]
    finally:
        consumer.close()


def wait_consumed(bootstrap: str, runners, timeout: float = 60.0) -> None:
    """Each runner's group has committed up to the end of every topic it reads (single-partition topics)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    probe = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        ends = probe.end_offsets([TopicPartition(t, 0) for r in runners for t in r.handlers])

        def caught_up():
            for runner in runners:
                committed = admin.list_group_offsets(runner.group).get(runner.group, {})
                for topic in runner.handlers:
                    tp = TopicPartition(topic, 0)
                    if ends.get(tp) and (tp not in committed or committed[tp].offset < ends[tp]):
                        return False
            return True

        wait_until(caught_up, timeout, interval=0.2, message="every consumer to reach the end of its topics")
    finally:
        probe.close()
        admin.close()
