"""Unit tests of the shared package's pure pieces."""

from __future__ import annotations

import json

import pytest
from flask import Flask

from common.errors import Conflict, register_json_errors
from common.formatting import money
from common.messaging.events import Event, make_event, push_outbox
from common.settings import load_settings
from common.web.htmx import wants_fragment


def test_settings_come_from_the_environment_given_not_from_import_time():
    env = {"REDIS_URL": "redis://example:1/2", "FRAGMART_PORT_OFFSET": "100", "MONGO_URL": ""}
    s = load_settings("products", env=env)
    assert s.redis_url == "redis://example:1/2"
    assert s.kafka_bootstrap == "127.0.0.1:9192"
    assert s.service_urls["orders"] == "http://127.0.0.1:3103"
    assert s.mongo_url == "mongodb://127.0.0.1:27117/?retryWrites=false" and s.local_mode  # the stack's own server


def test_explicit_overrides_win_and_unknown_keys_land_in_extra():
    s = load_settings("x", {"redis_url": "redis://r/0", "TESTING": True}, env={})
    assert s.redis_url == "redis://r/0"
    assert s.extra == {"TESTING": True}


@pytest.mark.parametrize(
    ("amount", "text"), [(1999, "$19.99"), (5, "$0.05"), (123456789, "$1,234,567.89"), (-250, "-$2.50")]
)
def test_money_renders_minor_units_without_floats(amount, text):
    assert money(amount, "USD") == text


def test_money_of_garbage_is_empty_rather_than_an_error():
    assert money("abc") == ""


def test_an_event_survives_the_round_trip_through_json():
    e = make_event("order.placed", {"order_id": "o1", "total": 1999}, "orders", correlation_id="c1")
    back = Event.from_json(e.to_json())
    assert back == e
    assert set(json.loads(e.to_json())) == {
        "event_id",
        "type",
        "version",
        "occurred_at",
        "source",
        "correlation_id",
        "data",
    }


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"type": "x", "data": "nope"}'])
def test_a_malformed_envelope_is_rejected(raw):
    with pytest.raises(ValueError):
        Event.from_json(raw)


def test_push_outbox_builds_a_single_push_clause():
    e = make_event("x.y", {}, "s")
    clause = push_outbox(e)
    assert clause["_outbox"]["$each"][0]["event_id"] == e.event_id


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
    ],
)
def test_one_helper_decides_between_fragment_and_page(headers, fragment):
    app = Flask(__name__)
    with app.test_request_context(headers=headers):
        assert wants_fragment() is fragment


def test_domain_errors_become_json_with_their_status_and_never_a_trace():
    app = Flask(__name__)
    register_json_errors(app)

    @app.get("/conflict")
    def conflict():
        raise Conflict("Already there", {"id": 1})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    r = client.get("/conflict")
    assert r.status_code == 409
    assert r.json == {"error": "CONFLICT", "message": "Already there", "details": {"id": 1}}
    r = client.get("/boom")
    assert r.status_code == 500 and "secret" not in r.get_data(as_text=True)
    assert client.get("/missing").json["error"] == "NOT_FOUND"
