"""The charge state machine: every move the payments service makes is allowed, every other refused."""

from __future__ import annotations

import itertools

import pytest

from services.payments import states
from services.payments.states import FAILED, PROCESSING, REFUNDED, REFUNDING, SUCCEEDED, VOID, IllegalTransition

# Written out from services/payments/service.py, independently of the module's table.
LEGAL = {
    (PROCESSING, SUCCEEDED),  # the processor took the money
    (PROCESSING, FAILED),  # declined, or no usable card
    (PROCESSING, VOID),  # the order was cancelled before the charge was made
    (VOID, SUCCEEDED),  # ... while the processor was answering: then it is refunded
    (SUCCEEDED, REFUNDING),
    (REFUNDING, REFUNDING),  # a refund taken up again after a crash or a redelivery
    (REFUNDING, REFUNDED),
}
ALL_PAIRS = list(itertools.product(states.STATES, repeat=2))


@pytest.mark.parametrize("src,dst", ALL_PAIRS)
def test_a_move_is_allowed_exactly_when_it_is_one_the_service_makes(src, dst):
    assert states.can_transition(src, dst) is ((src, dst) in LEGAL)


def test_a_move_from_any_of_several_states_must_be_legal_from_each():
    states.check_transition((SUCCEEDED, REFUNDING), REFUNDING)
    with pytest.raises(IllegalTransition):
        states.check_transition((SUCCEEDED, FAILED), REFUNDING)


def test_failed_and_refunded_charges_are_final():
    assert not states.TRANSITIONS[FAILED] and not states.TRANSITIONS[REFUNDED]
