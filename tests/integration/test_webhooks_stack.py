"""A webhook through the whole local stack: an endpoint added through the gateway, order.confirmed on the broker,
a receiver on this machine that answers 500 once and gets the same signed message again."""

from __future__ import annotations

import uuid

import requests
from flask import Flask, request
from kafka import KafkaProducer
from standardwebhooks import Webhook

from common.messaging.events import make_event
from devstack.processes import LOCAL_DEFAULTS
from tests.support.polling import wait_until
from tests.support.servers import serving


def test_an_endpoint_gets_order_confirmed_signed_and_again_after_a_500(stack, gateway_url):
    got, answers = [], [500, 200]
    receiver = Flask(__name__)

    @receiver.post("/hook")
    def hook():
        got.append((request.get_data(), dict(request.headers)))
        return "", answers.pop(0) if answers else 200

    login = {"email": LOCAL_DEFAULTS["ADMIN_EMAIL"], "password": LOCAL_DEFAULTS["ADMIN_PASSWORD"]}
    token = requests.post(f"{gateway_url}/api/auth/login", json=login, timeout=10).json()["access_token"]
    with serving(receiver) as url:
        endpoint = requests.post(
            f"{gateway_url}/api/webhooks",
            json={"url": f"{url}/hook", "events": ["order.confirmed"]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        order_id = uuid.uuid4().hex
        event = make_event("order.confirmed", {"order_id": order_id, "user_id": "u1", "total": 900, "lines": []}, "t")
        producer = KafkaProducer(bootstrap_servers=stack.url("kafka"))
        producer.send("order.confirmed", event.to_json())
        producer.close()
        wait_until(lambda: len(got) >= 2, 60, message="the message, then its retry after the 500")
    verify = Webhook(endpoint["secret"]).verify
    first, second = (verify(body, headers) for body, headers in got[:2])
    assert first == second and first["type"] == "order.confirmed" and first["data"]["order_id"] == order_id
    assert got[0][1]["Webhook-Id"] == got[1][1]["Webhook-Id"]
    requests.delete(
        f"{gateway_url}/api/webhooks/{endpoint['id']}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
