"""The order state machine is exactly DESIGN.md's: every legal transition allowed, every other refused."""

from __future__ import annotations

import itertools
from typing import get_args

import pytest

from services.orders import states
from services.orders.states import (
    AWAITING_PAYMENT,
    CANCELLED,
    CONFIRMED,
    DELIVERED,
    PENDING,
    REJECTED,
    SHIPPED,
    IllegalTransition,
)

# Written out from DESIGN.md, independently of the module's table.
LEGAL = {
    (PENDING, AWAITING_PAYMENT),  # stock reserved
    (AWAITING_PAYMENT, CONFIRMED),  # paid
    (CONFIRMED, SHIPPED),
    (SHIPPED, DELIVERED),
    (PENDING, REJECTED),  # out of stock
    (AWAITING_PAYMENT, CANCELLED),  # payment failed or reservation expired
    (CONFIRMED, CANCELLED),  # by the customer before shipping
}
ALL_PAIRS = list(itertools.product(states.STATES, repeat=2))
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]


def test_there_are_exactly_the_seven_states_of_the_design():
    assert set(states.STATES) == {PENDING, AWAITING_PAYMENT, CONFIRMED, SHIPPED, DELIVERED, REJECTED, CANCELLED}


@pytest.mark.parametrize(("src", "dst"), sorted(LEGAL))
def test_a_legal_transition_is_allowed(src, dst):
    assert states.can_transition(src, dst)
    states.check_transition(src, dst)


@pytest.mark.parametrize(("src", "dst"), ILLEGAL)
def test_an_illegal_transition_is_refused(src, dst):
    assert not states.can_transition(src, dst)
    with pytest.raises(IllegalTransition) as err:
        states.check_transition(src, dst)
    assert err.value.src == src and err.value.dst == dst


def test_the_table_allows_nothing_beyond_the_design():
    table = {(src, dst) for src, dsts in states.TRANSITIONS.items() for dst in dsts}
    assert table == LEGAL


@pytest.mark.parametrize("final", [DELIVERED, REJECTED, CANCELLED])
def test_a_final_state_goes_nowhere(final):
    assert all(not states.can_transition(final, dst) for dst in states.STATES)


def test_an_unknown_state_goes_nowhere():
    assert not states.can_transition("LOST", PENDING)
    with pytest.raises(IllegalTransition):
        states.check_transition("LOST", PENDING)


@pytest.mark.parametrize(
    ("src", "dst", "path"),
    [
        (PENDING, CONFIRMED, [AWAITING_PAYMENT, CONFIRMED]),
        (PENDING, CANCELLED, [AWAITING_PAYMENT, CANCELLED]),
        (AWAITING_PAYMENT, CANCELLED, [CANCELLED]),
        (CONFIRMED, DELIVERED, [SHIPPED, DELIVERED]),
        (PENDING, REJECTED, [REJECTED]),
    ],
)
def test_a_late_event_finds_the_shortest_legal_path(src, dst, path):
    assert states.path_to(src, dst) == path
    states.check_path(src, path)


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (SHIPPED, CANCELLED),
        (CANCELLED, CONFIRMED),
        (REJECTED, AWAITING_PAYMENT),
        (CONFIRMED, PENDING),
        (DELIVERED, SHIPPED),
        (CONFIRMED, CONFIRMED),
    ],
)
def test_there_is_no_path_backwards_or_out_of_a_final_state(src, dst):
    assert states.path_to(src, dst) is None


def test_a_path_with_one_illegal_step_is_refused():
    with pytest.raises(IllegalTransition):
        states.check_path(PENDING, [CONFIRMED])
    with pytest.raises(IllegalTransition):
        states.check_path(PENDING, [AWAITING_PAYMENT, SHIPPED])


def test_only_orders_that_have_not_shipped_are_cancellable_by_the_customer():
    assert states.CANCELLABLE == {AWAITING_PAYMENT, CONFIRMED}
    assert all(states.can_transition(s, CANCELLED) for s in states.CANCELLABLE)


def test_every_reason_has_text_and_unknown_codes_pass_through():
    assert states.reason_text("declined") == "Card declined"
    assert states.reason_text("out_of_stock") == "Out of stock"
    assert states.reason_text(None) is None
    assert states.reason_text("novel") == "novel"


def test_the_status_type_names_every_state_in_order():
    # the order search's status filter takes this type: a state missing from it could not be searched for
    assert get_args(states.Status) == states.STATES
