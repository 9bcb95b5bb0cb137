"""user.registered through the real broker: auth's outbox -> users (profile) and notifications (welcome email),
then the very same message replayed twice, and the same fact under a new event id: nothing happens twice."""

from __future__ import annotations

import pytest
from kafka import KafkaProducer

from common.messaging.events import Event, make_event
from common.mongo.database import get_database
from common.platform import platform_of
from services.auth.deps import deps as auth_deps
from services.notifications.deps import deps as notifications_deps
from services.users.deps import deps as users_deps
from tests.support.polling import wait_until
from tests.support.registration import TOPIC, account_apps, handled, published_message, register, welcomes


@pytest.fixture(scope="module")
def apps(redis_url, kafka_bootstrap, smtp_sink, tmp_path_factory):
    with account_apps(redis_url, kafka_bootstrap, smtp_sink, str(tmp_path_factory.mktemp("keys"))) as running:
        yield running


def test_registration_reaches_users_and_notifications_once_even_when_replayed(apps, kafka_bootstrap, smtp_sink):
    auth, users, notifications = apps
    ada = register(auth, "Ada")
    assert wait_until(
        lambda: handled(users, notifications, smtp_sink, ada), timeout=45, message="user.registered to be handled"
    )
    users_deps(users).repo.update(ada["id"], {"phone": "+44 20 7946 0958"})  # a change after the event
    assert auth_deps(auth).repo.accounts.find_one({"_id": ada["id"]})["_outbox"] == []  # relayed once

    raw = published_message(kafka_bootstrap, ada["id"])
    original = Event.from_json(raw)
    same_fact = make_event(TOPIC, original.data, "auth").to_json()
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for message in (raw, raw, same_fact):  # replayed twice, then re-announced under a new event id
        producer.send(TOPIC, message, key=ada["id"].encode()).get(timeout=10)
    producer.close()

    # A later registration is handled after the replays (one partition keeps order): then they were seen.
    bob = register(auth, "Bob")
    assert wait_until(lambda: handled(users, notifications, smtp_sink, bob), timeout=45)

    profiles = users_deps(users).repo.profiles
    assert profiles.count_documents({"_id": ada["id"]}) == 1
    assert profiles.find_one({"_id": ada["id"]})["phone"] == "+44 20 7946 0958"  # not reset by a replay
    assert len(welcomes(smtp_sink, ada)) == 1
    deliveries = notifications_deps(notifications).repo.deliveries
    assert deliveries.count_documents({"user_id": ada["id"], "template": "welcome"}) == 1
    for app in (users, notifications):  # each consumer group recorded the original event id once
        inbox = get_database(app)["inbox"]
        assert inbox.count_documents({"_id": f"{platform_of(app).settings.name}:{original.event_id}"}) == 1
