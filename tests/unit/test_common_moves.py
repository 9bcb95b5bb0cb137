"""The guarded write with its events: a state moves only from where it was, with its outbox, in one write."""

from __future__ import annotations

import uuid

import pytest

from common.messaging.events import make_event
from common.mongo.moves import move, statuses
from tests.support.databases import database_client


@pytest.fixture()
def things():
    collection = database_client()[f"moves_{uuid.uuid4().hex}"]["things"]
    collection.insert_one({"_id": "t1", "status": "new"})
    return collection


def test_a_move_from_the_current_state_writes_the_state_the_stamp_and_the_events_together(things):
    event = make_event("thing.started", {"id": "t1"}, "test")
    after = move(things, {"_id": "t1", **statuses("new")}, {"$set": {"status": "started"}}, (event,))
    stored = things.find_one({"_id": "t1"})
    assert after["status"] == "started" and after["updated_at"] == stored["updated_at"]
    assert [e["event_id"] for e in stored["_outbox"]] == [event.event_id]


def test_a_move_from_a_state_the_document_has_left_changes_nothing_and_says_so(things):
    event = make_event("thing.done", {"id": "t1"}, "test")
    assert (
        move(things, {"_id": "t1", **statuses(("started", "paused"))}, {"$set": {"status": "done"}}, (event,)) is None
    )
    assert things.find_one({"_id": "t1"}) == {"_id": "t1", "status": "new"}


def test_the_projection_hides_the_outbox_from_the_answer(things):
    event = make_event("thing.started", {"id": "t1"}, "test")
    after = move(things, {"_id": "t1"}, {"$set": {"status": "started"}}, (event,), projection={"_outbox": 0})
    assert "_outbox" not in after and after["status"] == "started"
