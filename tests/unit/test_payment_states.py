"""The payment state machine: every move the payments service makes is allowed, every other refused."""

from __future__ import annotations

import itertools

import pytest

from services.payments import states
from services.payments.states import AUTHORIZED, AWAITING, CANCELLED, CAPTURED, VOIDED, IllegalTransition

# Written out from services/payments/service.py, independently of the module's table.
LEGAL = {
    (AWAITING, AUTHORIZED),  # the provider's word: the shopper paid on its page
    (AWAITING, CANCELLED),  # the order ended before any payment
    (AUTHORIZED, CAPTURED),  # the order shipped
    (AUTHORIZED, VOIDED),  # the order was cancelled before shipping
    (CANCELLED, VOIDED),  # paid in the very moment the order ended: the hold is released at once
}
ALL_PAIRS = list(itertools.product(states.STATES, repeat=2))


@pytest.mark.parametrize("src,dst", ALL_PAIRS)
def test_a_move_is_allowed_exactly_when_it_is_one_the_service_makes(src, dst):
    assert states.can_transition(src, dst) is ((src, dst) in LEGAL)


def test_a_move_from_any_of_several_states_must_be_legal_from_each():
    states.check_transition((AUTHORIZED, CANCELLED), VOIDED)
    with pytest.raises(IllegalTransition):
        states.check_transition((AUTHORIZED, CAPTURED), VOIDED)


def test_captured_and_voided_payments_are_final():
    assert not states.TRANSITIONS[CAPTURED] and not states.TRANSITIONS[VOIDED]
