"""Signing up through auth and following user.registered: the account, its welcome email, the bytes on the topic."""

from __future__ import annotations

import uuid

from kafka import KafkaConsumer

from common.messaging.events import Event
from devstack.smtp_sink import read_messages
from services.notifications.deps import deps as notifications_deps
from services.users.deps import deps as users_deps

TOPIC = "user.registered"


def register(auth, name: str) -> dict:
    address = f"{name.lower()}-{uuid.uuid4().hex}@example.com"
    r = auth.test_client().post(
        "/api/auth/register", json={"email": address, "password": "secret-pass-1", "name": name}
    )
    assert r.status_code == 201
    return {"id": r.json["user"]["id"], "email": address}


def welcomes(smtp_sink, user) -> list[dict]:
    """The welcome emails to the user (the "Confirm your email" one is another event's)."""
    return [m for m in read_messages(smtp_sink.dir, to=user["email"]) if m["subject"].startswith("Welcome")]


def handled(users, notifications, smtp_sink, user) -> bool:
    return (
        users_deps(users).repo.get(user["id"]) is not None
        and len(welcomes(smtp_sink, user)) >= 1
        and notifications_deps(notifications).repo.deliveries.count_documents(
            {"user_id": user["id"], "status": "sent", "template": "welcome"}
        )
        >= 1
    )


def published_message(kafka_bootstrap, event_data_user_id: str) -> bytes:
    """The exact bytes the outbox relay put on the topic for this user."""
    consumer = KafkaConsumer(
        TOPIC,
        bootstrap_servers=kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=5000,
        group_id=None,
    )
    try:
        for record in consumer:
            if Event.from_json(record.value).data["user_id"] == event_data_user_id:
                return record.value
    finally:
        consumer.close()
    raise AssertionError("the relay never published the event")
