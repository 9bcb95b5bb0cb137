"""Topic provisioning as code: `python -m devstack topics` creates every declared topic once, on a real broker."""

from __future__ import annotations

import io
import uuid
from dataclasses import replace

from kafka.admin import KafkaAdminClient

from common.messaging.kafka import ensure_topics
from devstack import topics
from devstack.topics import ALL, SAGA, TopicSpec, plan
from tests.support.design import design_topics


def test_every_design_topic_and_its_dead_letter_topic_is_declared():
    named = set(design_topics() or SAGA)
    assert named <= set(ALL) and all(f"{t}.dlq" in ALL for t in named)
    assert all(ALL[t].key == "order id" for t in SAGA)


def test_the_plan_creates_what_is_missing_grows_what_is_short_and_never_shrinks():
    specs = (TopicSpec("a", 6), TopicSpec("b", 6), TopicSpec("c", 6), TopicSpec("d", 6))
    create, grow, kept = plan({"b": 2, "c": 6, "d": 12}, brokers=1, specs=specs)
    assert [(s.name, r) for s, r in create] == [("a", 1)]  # replication capped by the brokers there are
    assert grow == [("b", 6)] and kept == ["d"]


def test_applying_twice_creates_every_topic_with_its_partitions_then_changes_nothing(kafka_bootstrap):
    # The declared topics under a prefix of this test's own, so topics other tests' consumers made cannot count.
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    specs = [replace(spec, name=prefix + spec.name) for spec in ALL.values()]
    options = {"bootstrap_servers": kafka_bootstrap}
    ensure_topics(options, [f"{prefix}order.delivered"])  # made the implicit way (one partition): to be grown
    report = io.StringIO()
    assert topics.apply(options, out=report, specs=specs) >= len(specs) - 1
    assert topics.apply(options, out=io.StringIO(), specs=specs) == 0
    admin = KafkaAdminClient(**options)
    try:
        described = {
            t.get("topic") or t.get("name"): len(t["partitions"])
            for t in admin.describe_topics(sorted(s.name for s in specs))
        }
    finally:
        admin.close()
    grown = f"{prefix}order.delivered"
    assert {n: p for n, p in described.items() if n != grown} == {
        s.name: s.partitions for s in specs if s.name != grown
    }
    assert described[f"{prefix}order.placed"] == 12 and described[f"{prefix}order.placed.dlq"] == 1
    # Grown where the broker can (Kafka), reported where it cannot (Tansu has no CreatePartitions).
    assert described[grown] == 12 or f"cannot grow {grown}" in report.getvalue()


def test_compose_runs_the_topic_provisioning_once_kafka_is_healthy():
    from ruamel.yaml import YAML

    from devstack.processes import ROOT

    job = YAML(typ="safe").load((ROOT / "compose.yaml").read_text())["services"]["kafka-topics"]
    assert job["command"] == ["python", "-m", "devstack", "topics"]
    assert job["depends_on"] == {"kafka": {"condition": "service_healthy"}}
