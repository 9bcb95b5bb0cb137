"""account.deleted through the real broker: auth's outbox -> users (the profile goes) and notifications (the contact
is forgotten, its log blanked); then the deletion and the account's old user.registered replayed: nothing comes
back and nothing is sent. (Orders through the broker: tests/browser/test_account_deletion.py.)"""

from __future__ import annotations

import pytest
from kafka import KafkaProducer

from common.messaging.events import Event
from common.mongo.database import get_database
from common.platform import platform_of
from services.notifications.deps import deps as notifications_deps
from services.users.deps import deps as users_deps
from tests.support.polling import wait_until
from tests.support.registration import account_apps, handled, published_message, register, welcomes


@pytest.fixture(scope="module")
def apps(redis_url, kafka_bootstrap, smtp_sink, tmp_path_factory):
    with account_apps(redis_url, kafka_bootstrap, smtp_sink, str(tmp_path_factory.mktemp("keys"))) as running:
        yield running


def forgotten(users, notifications, user_id: str) -> bool:
    contact = notifications_deps(notifications).repo.contact(user_id) or {}
    return users_deps(users).repo.get(user_id) is None and contact.get("deleted") is True


def test_a_deletion_reaches_users_and_notifications_once_and_a_replay_brings_nothing_back(
    apps, kafka_bootstrap, smtp_sink
):
    auth, users, notifications = apps
    ada = register(auth, "Ada")
    assert wait_until(lambda: handled(users, notifications, smtp_sink, ada), timeout=45, message="the registration")
    client = auth.test_client()
    tokens = client.post("/api/auth/login", json={"email": ada["email"], "password": "secret-pass-1"}).json
    r = client.post(
        "/api/auth/account/delete",
        json={"password": "secret-pass-1"},
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert r.status_code == 204
    assert wait_until(lambda: forgotten(users, notifications, ada["id"]), timeout=45, message="account.deleted")
    deliveries = notifications_deps(notifications).repo.deliveries
    sent = deliveries.count_documents({"user_id": ada["id"]})
    assert sent >= 1 and deliveries.count_documents({"user_id": ada["id"], "to": {"$ne": ""}}) == 0

    registered = published_message(kafka_bootstrap, ada["id"])  # the account's user.registered, as relayed
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    producer.send("user.registered", registered, key=ada["id"].encode()).get(timeout=10)
    producer.close()

    bob = register(auth, "Bob")  # handled after the replay (one partition keeps order): then it was seen
    assert wait_until(lambda: handled(users, notifications, smtp_sink, bob), timeout=45)
    assert forgotten(users, notifications, ada["id"]) and len(welcomes(smtp_sink, ada)) == 1
    assert deliveries.count_documents({"user_id": ada["id"]}) == sent
    for app in (users, notifications):  # the replay was seen, and skipped by its event id
        inbox = get_database(app)["inbox"]
        name = platform_of(app).settings.name
        assert inbox.count_documents({"_id": f"{name}:{Event.from_json(registered).event_id}"}) == 1
