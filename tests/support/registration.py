"""Signing up through auth and following user.registered: the account, its welcome email, the bytes on the topic."""

from __future__ import annotations

import contextlib
import uuid

from kafka import KafkaConsumer

import services.auth
import services.notifications
import services.users
from common.messaging.events import Event
from common.platform import ServicePlatform, platform_of
from common.service_app import running_workers
from devstack.smtp_sink import read_messages
from services.notifications.deps import deps as notifications_deps
from services.users.deps import deps as users_deps

TOPIC = "user.registered"


@contextlib.contextmanager
def account_apps(redis_url: str, kafka_bootstrap: str, smtp_sink, keys_dir: str):
    """auth, users and notifications on the real broker, their consumers joined: (auth, users, notifications)."""
    base = {"redis_url": redis_url, "kafka_bootstrap": kafka_bootstrap, "run_workers": True}
    auth = services.auth.create_app({**base, "keys_dir": keys_dir})
    users = services.users.create_app(base)
    notifications = services.notifications.create_app({**base, "smtp_url": smtp_sink.url})
    consumers = [w for app in (users, notifications) for w in running_workers(app) if hasattr(w, "ready")]
    assert all(w.ready.wait(60) for w in consumers), "a consumer never joined its group"
    yield auth, users, notifications
    workers = [w for app in (auth, users, notifications) for w in running_workers(app)]
    for worker in workers:
        worker.stop()
    for worker in workers:
        worker.join(10)  # before the broker goes away, so nothing reconnects in vain
    for app in (auth, users, notifications):
        platform_of(app, kind=ServicePlatform).publisher.close()


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
