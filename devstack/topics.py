"""`python -m devstack topics`: create every Kafka topic with its partitions and replication, idempotently.

Events are keyed by their aggregate's id (the outbox relay sends `key=document _id`): an order's document, its
reservation and its charge all have the order id as `_id`, so one order's events share a partition in every saga
topic and are read in the order they were written. More partitions let more consumer replicas share a topic;
a partition count only ever grows (growing it moves keys, so do it between peaks, with the backlog drained).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from common.messaging import messages as m

DAY_MS = 86_400_000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication: int = 3
    retention_days: int = 7
    key: str = "order id"

    def configs(self, replication: int) -> dict[str, str]:
        configs = {"retention.ms": str(self.retention_days * DAY_MS)}
        if replication >= 3:  # an acknowledged event survives losing one broker (producers send acks=all)
            configs["min.insync.replicas"] = "2"
        return configs


SAGA = (
    m.OrderPlaced.TOPIC,
    m.StockReserved.TOPIC,
    m.StockRejected.TOPIC,
    m.StockReleased.TOPIC,
    m.PaymentSucceeded.TOPIC,
    m.PaymentFailed.TOPIC,
    m.PaymentRefunded.TOPIC,
    m.PaymentCaptured.TOPIC,
    m.PaymentVoided.TOPIC,
    m.OrderConfirmed.TOPIC,
    m.OrderCancelled.TOPIC,
    m.OrderShipped.TOPIC,
    m.OrderDelivered.TOPIC,
)
TOPICS: tuple[TopicSpec, ...] = (
    *(TopicSpec(t, 12) for t in SAGA),
    TopicSpec(m.StockLow.TOPIC, 3, key="sku"),
    TopicSpec(m.StockChanged.TOPIC, 3, key="sku"),
    TopicSpec(m.ProductChanged.TOPIC, 6, key="product id"),
    TopicSpec(m.UserRegistered.TOPIC, 6, key="user id"),
    TopicSpec(m.PasswordResetRequested.TOPIC, 3, key="user id"),
    TopicSpec(m.EmailChangeRequested.TOPIC, 3, key="link"),
    TopicSpec(m.EmailChanged.TOPIC, 6, key="user id"),
    TopicSpec(m.AccountDeleted.TOPIC, 3, key="user id"),
    TopicSpec(m.AdminAction.TOPIC, 3, key="subject id"),
)
# A dead letter waits for a person: one partition keeps them in arrival order, kept four weeks.
DLQ = tuple(TopicSpec(f"{t.name}.dlq", 1, retention_days=28, key=t.key) for t in TOPICS)
ALL = {t.name: t for t in (*TOPICS, *DLQ)}


def plan(existing: dict[str, int], brokers: int, specs=tuple(ALL.values())) -> tuple[list, list, list]:
    """(to create as (spec, replication), to grow as (name, partitions), too small to shrink as names)."""
    create, grow, kept = [], [], []
    for spec in specs:
        have = existing.get(spec.name)
        if have is None:
            create.append((spec, min(spec.replication, brokers)))
        elif have < spec.partitions:
            grow.append((spec.name, spec.partitions))
        elif have > spec.partitions:
            kept.append(spec.name)
    return create, grow, kept


def apply(options: dict, out=sys.stdout, specs=None) -> int:
    """Create what is missing and grow what is short; a second run changes nothing. Returns the changes made."""
    from kafka.admin import KafkaAdminClient, NewPartitions, NewTopic
    from kafka.errors import IncompatibleBrokerVersion, TopicAlreadyExistsError

    admin = KafkaAdminClient(**options, client_id="fragmart-topics")
    try:
        brokers = max(1, len(admin.describe_cluster().get("brokers", [])))
        specs = tuple(ALL.values()) if specs is None else tuple(specs)
        declared = {spec.name for spec in specs}
        names = set(admin.list_topics())
        described = admin.describe_topics(sorted(names & declared)) if names & declared else []
        existing = {t.get("topic") or t.get("name"): len(t["partitions"]) for t in described}
        create, grow, kept = plan(existing, brokers, specs)
        for spec, replication in create:
            try:
                admin.create_topics(
                    [NewTopic(spec.name, spec.partitions, replication, topic_configs=spec.configs(replication))]
                )
                print(f"created {spec.name}: {spec.partitions} partitions x {replication} (key: {spec.key})", file=out)
            except TopicAlreadyExistsError:  # created meanwhile (a consumer starting up): grown below if short
                grow.append((spec.name, spec.partitions))
        if grow:
            try:
                admin.create_partitions({name: NewPartitions(total) for name, total in grow})
            except IncompatibleBrokerVersion:  # Tansu, the local broker, cannot add partitions
                for name, total in grow:
                    print(f"cannot grow {name} to {total} partitions: the broker does not support it", file=out)
                return len(create)
            for name, total in grow:
                print(f"grew {name} to {total} partitions", file=out)
        for name in kept:
            print(f"kept {name}: it has more partitions than declared (partitions never shrink)", file=out)
        return len(create) + len(grow)
    finally:
        admin.close()


def main(argv=None) -> int:
    from common.messaging.kafka_options import client_options
    from common.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m devstack topics", description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", help="bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS or the local broker)")
    parser.add_argument("--list", action="store_true", help="print the declared topics and exit")
    args = parser.parse_args(argv)
    if args.list:
        for spec in ALL.values():
            print(f"{spec.name:24} partitions={spec.partitions:<3} replication={spec.replication} key={spec.key}")
        return 0
    settings = load_settings("topics")
    options = {**client_options(settings), "bootstrap_servers": args.bootstrap or settings.kafka_bootstrap}
    changes = apply(options)
    print(f"topics: {changes} change(s); {len(ALL)} declared")
    return 0
