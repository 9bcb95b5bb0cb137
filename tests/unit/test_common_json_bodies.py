"""Every app's request class: bad, deep and mistyped JSON bodies are a 400 INVALID_JSON, never a RecursionError."""

from __future__ import annotations

import json

import pytest
from flask import request

from common.api.validation import MAX_JSON_DEPTH
from common.app import create_base_app
from common.errors import register_json_errors


@pytest.fixture()
def client():
    app = create_base_app("test", __name__)
    register_json_errors(app)

    @app.post("/strict")
    def strict():
        return {"body": request.get_json()}

    @app.post("/silent")
    def silent():
        return {"body": request.get_json(silent=True)}

    return app.test_client()


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


@pytest.mark.parametrize(
    "body", [b"[" * 5000, nested(5000), b'{"a": ' + nested(MAX_JSON_DEPTH) + b"}", b"\xff\xfe", b'{"a": ', b"NaN]"]
)
def test_a_bad_or_too_deep_body_is_a_400_invalid_json(client, body):
    r = client.post("/strict", data=body, content_type="application/json")
    assert r.status_code == 400 and r.json["error"] == "INVALID_JSON"


@pytest.mark.parametrize("body", [b"[" * 5000, nested(MAX_JSON_DEPTH + 1)])
def test_a_too_deep_body_reads_as_no_json_when_silent(client, body):
    r = client.post("/silent", data=body, content_type="application/json")
    assert r.status_code == 200 and r.json == {"body": None}


def test_nesting_up_to_the_limit_is_accepted(client):
    r = client.post("/strict", data=nested(MAX_JSON_DEPTH), content_type="application/json")
    assert r.status_code == 200 and json.loads(r.data)["body"]  # the answer itself nests one level deeper


def test_a_body_that_is_not_declared_json_is_a_400_invalid_json(client):
    r = client.post("/strict", data=b'{"a": 1}', content_type="text/plain")
    assert r.status_code == 400 and r.json["error"] == "INVALID_JSON"


def test_a_body_over_the_size_limit_is_a_413_json(client):
    r = client.post("/strict", data=b"[" * 100_000, content_type="application/json")
    assert r.status_code == 413 and r.is_json
