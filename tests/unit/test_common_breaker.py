"""The breaker policy on a fake clock: what opens it, what never does, and how it closes again."""

from __future__ import annotations

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from common.breaker import CLOSED, HALF_OPEN, OPEN, BreakerOpen, CircuitBreaker
from common.redis_store import RedisBreaker, RedisSkipped


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture()
def breaker(clock):
    return CircuitBreaker("up", fail_max=5, reset_timeout=10, clock=clock)


def calls(breaker, *outcomes):
    for outcome in outcomes:
        breaker.record(outcome, breaker.admit())


def test_transport_failures_in_a_row_open_the_breaker(breaker):
    calls(breaker, *["down"] * 4)
    assert breaker.state == CLOSED
    calls(breaker, "down")
    assert breaker.state == OPEN
    with pytest.raises(BreakerOpen):
        breaker.admit()


def test_an_answer_between_transport_failures_starts_the_count_again(breaker):
    calls(breaker, *["down"] * 4, "ok", *["down"] * 4)
    assert breaker.state == CLOSED


def test_a_handful_of_5xx_answers_never_open_it(breaker):
    calls(breaker, *["error"] * 19)
    assert breaker.state == CLOSED


def test_4xx_answers_never_open_it_however_many(breaker):
    calls(breaker, *["ok"] * 1000)  # HttpClient records any answer under 500 as "ok"
    assert breaker.state == CLOSED


def test_a_5xx_rate_of_half_over_twenty_calls_opens_it(breaker):
    calls(breaker, *["ok", "error"] * 9, "ok")
    assert breaker.state == CLOSED
    calls(breaker, "error")
    assert breaker.state == OPEN


def test_a_low_5xx_rate_over_volume_keeps_it_closed(breaker):
    calls(breaker, *(["ok"] * 3 + ["error"]) * 50)
    assert breaker.state == CLOSED


def test_failures_leave_the_rate_window_after_ten_seconds(breaker, clock):
    calls(breaker, *["error"] * 15)
    clock.now += 11
    calls(breaker, *["error"] * 15)
    assert breaker.state == CLOSED


def test_after_the_reset_timeout_one_trial_goes_out_and_its_success_closes_the_breaker(breaker, clock):
    calls(breaker, *["down"] * 5)
    clock.now += 10
    assert breaker.state == HALF_OPEN
    assert breaker.admit() is True
    with pytest.raises(BreakerOpen):
        breaker.admit()  # one trial at a time
    breaker.record("ok", trial=True)
    assert breaker.state == CLOSED and breaker.admit() is False


@pytest.mark.parametrize("outcome", ["down", "error"])
def test_a_failed_trial_opens_it_for_another_reset_timeout(breaker, clock, outcome):
    calls(breaker, *["down"] * 5)
    clock.now += 10
    breaker.record(outcome, breaker.admit())
    assert breaker.state == OPEN
    clock.now += 9
    with pytest.raises(BreakerOpen):
        breaker.admit()


def test_a_trial_that_broke_in_our_own_code_lets_the_next_call_try(breaker, clock):
    calls(breaker, *["down"] * 5)
    clock.now += 10
    breaker.record(None, breaker.admit())
    assert breaker.admit() is True


def test_failures_before_an_opening_do_not_count_after_it_closes(breaker, clock):
    calls(breaker, *["ok"] * 10, *["error"] * 10)
    clock.now += 10
    breaker.record("ok", breaker.admit())
    calls(breaker, "error")
    assert breaker.state == CLOSED


def test_the_redis_breaker_skips_redis_for_its_cooldown_after_one_error_then_tries_again(clock):
    redis_breaker = RedisBreaker(cooldown=1.0, clock=clock)

    def fails():
        raise RedisConnectionError("refused")

    assert redis_breaker.call(lambda: "ok") == "ok"
    with pytest.raises(RedisConnectionError):
        redis_breaker.call(fails)
    assert redis_breaker.state == OPEN
    with pytest.raises(RedisSkipped):
        redis_breaker.call(lambda: "never called")
    clock.now += 1.0
    assert redis_breaker.call(lambda: "back") == "back"
    assert redis_breaker.state == CLOSED


def test_a_bug_in_the_caller_never_opens_the_redis_breaker(clock):
    redis_breaker = RedisBreaker(clock=clock)
    with pytest.raises(KeyError):
        redis_breaker.call(lambda: {}["missing"])
    assert redis_breaker.state == CLOSED
