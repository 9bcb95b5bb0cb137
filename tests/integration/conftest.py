"""Fixtures of the checkout integration tests: the saga's services in this process, on a private broker."""

from __future__ import annotations

import uuid

import pytest

from tests.support.checkout_system import running_system
from tests.support.restartable_broker import Broker


@pytest.fixture(scope="module")
def system(redis_url, tmp_path_factory):
    """Orders, payments, inventory and products apps with their consumers, one set per test module."""
    with running_system(redis_url, tmp_path_factory) as s:
        yield s


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    """A private broker process the test may kill, stop and start again (one per test module)."""
    b = Broker(tmp_path_factory.mktemp("kafka")).start()
    yield b
    b.stop()


@pytest.fixture()
def user_id():
    return uuid.uuid4().hex
