"""Fixed-window limits in Redis: counted per rule and per who, refused with a retry time."""

from __future__ import annotations

import uuid

import pytest

from common.errors import RateLimited
from common.redis_store import create_redis
from services.auth.ratelimit import RateLimiter, parse_rules


@pytest.fixture(scope="module")
def limiter(redis_url):
    return RateLimiter(create_redis(redis_url), {"login_ip": (3, 60), "login_account_failures": (2, 900)})


def test_hits_within_the_limit_pass_and_the_next_one_is_refused_with_a_retry_time(limiter):
    who = uuid.uuid4().hex
    for _ in range(3):
        limiter.hit("login_ip", who)
    with pytest.raises(RateLimited) as e:
        limiter.hit("login_ip", who)
    assert 0 < e.value.details["retry_after"] <= 60


def test_each_client_has_its_own_window(limiter):
    a, b = uuid.uuid4().hex, uuid.uuid4().hex
    for _ in range(3):
        limiter.hit("login_ip", a)
    for _ in range(3):  # a's full window takes nothing from b's: b gets all three
        limiter.hit("login_ip", b)
    for who in (a, b):
        with pytest.raises(RateLimited):
            limiter.hit("login_ip", who)


def test_check_refuses_a_full_window_without_counting(limiter):
    who = uuid.uuid4().hex
    limiter.check("login_account_failures", who)
    limiter.hit("login_account_failures", who)
    limiter.check("login_account_failures", who)
    limiter.hit("login_account_failures", who)
    with pytest.raises(RateLimited):
        limiter.check("login_account_failures", who)


def test_a_reset_empties_the_window(limiter):
    who = uuid.uuid4().hex
    for _ in range(2):
        limiter.hit("login_account_failures", who)
    with pytest.raises(RateLimited):
        limiter.check("login_account_failures", who)
    limiter.reset("login_account_failures", who)
    assert limiter.check("login_account_failures", who) is None
    for _ in range(2):  # the whole limit again, as in a fresh window
        limiter.hit("login_account_failures", who)
    with pytest.raises(RateLimited):
        limiter.hit("login_account_failures", who)


def test_keys_hold_no_email_address_in_the_clear(limiter):
    email = f"{uuid.uuid4().hex}@example.com"
    limiter.hit("login_account_failures", email)
    assert not [k for k in limiter.redis.scan_iter("auth:ratelimit:*") if email in k]


def test_operators_can_override_limits_from_the_environment():
    assert parse_rules("login_ip=5/60, register_ip=2/600") == {"login_ip": (5, 60), "register_ip": (2, 600)}
    assert parse_rules(None) == {} and parse_rules("") == {}
    for bad in ("nope=1/2", "login_ip=x/60", "login_ip=5"):
        with pytest.raises(ValueError):
            parse_rules(bad)
