"""Topic provisioning as code: `python -m devstack topics` creates every declared topic once, on a real broker."""
from __future__ import annotations

import io

from kafka.admin import KafkaAdminClient

from common.kafka import ensure_topics
from devstack import topics
from devstack.topics import ALL, SAGA, TopicSpec, plan
from tests.design import design_topics


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
    options = {"bootstrap_servers": kafka_bootstrap}
    ensure_topics(options, ["order.delivered"])  # made the implicit way (one partition): to be grown
    report = io.StringIO()
    topics.apply(options, out=report)
    assert topics.apply(options, out=io.StringIO()) == 0
    admin = KafkaAdminClient(**options)
    try:
        described = {t.get("topic") or t.get("name"): len(t["partitions"]) for t in admin.describe_topics(sorted(ALL))}
    finally:
        admin.close()
    assert described["order.placed"] == 12 and described["order.placed.dlq"] == 1
    assert {n: p for n, p in described.items() if n != "order.delivered"} == {
        n: s.partitions for n, s in ALL.items() if n != "order.delivered"}
    # Grown where the broker can (Kafka), reported where it cannot (Tansu has no CreatePartitions).
    assert described["order.delivered"] == 12 or "cannot grow order.delivered" in report.getvalue()


def test_compose_runs_the_topic_provisioning_once_kafka_is_healthy():
    from ruamel.yaml import YAML

    from devstack.processes import ROOT
    job = YAML(typ="safe").load((ROOT / "compose.yaml").read_text())["services"]["kafka-topics"]
    assert job["command"] == ["python", "-m", "devstack", "topics"]
    assert job["depends_on"] == {"kafka": {"condition": "service_healthy"}}
