"""Strict bodies: operator objects, wrong types and oversized fields are 4xx, never a 500."""

from __future__ import annotations

import pytest
from flask import Flask
from pydantic import Field

from common.api.validation import StrictModel, parse_body
from common.errors import register_json_errors


class Body(StrictModel):
    email: str = Field(max_length=50)
    quantity: int = Field(ge=1)


@pytest.fixture()
def client():
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024
    register_json_errors(app)

    @app.post("/x")
    def x():
        return parse_body(Body).model_dump()

    return app.test_client()


@pytest.mark.parametrize(
    "body",
    [
        {"email": {"$ne": ""}, "quantity": 1},
        {"email": "a@b.c", "quantity": "1"},
        {"email": "a@b.c", "quantity": -1},
        {"email": "x" * 51, "quantity": 1},
        {"email": "a@b.c", "quantity": 1, "role": "admin"},
    ],
)
def test_bad_bodies_are_422_with_field_details(client, body):
    r = client.post("/x", json=body)
    assert r.status_code == 422
    assert r.json["error"] == "VALIDATION_ERROR" and r.json["details"]["fields"]


@pytest.mark.parametrize("data", ["not json", "[1,2]", "null"])
def test_a_body_that_is_not_an_object_is_400(client, data):
    r = client.post("/x", data=data, content_type="application/json")
    assert r.status_code == 400 and r.json["error"] == "INVALID_JSON"


def test_an_oversized_body_is_413_json(client):
    r = client.post("/x", data="x" * 5000, content_type="application/json")
    assert r.status_code == 413 and r.is_json


def test_a_good_body_passes(client):
    assert client.post("/x", json={"email": "a@b.c", "quantity": 2}).json == {"email": "a@b.c", "quantity": 2}
