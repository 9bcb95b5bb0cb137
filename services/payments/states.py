"""The charge state machine: states, legal moves and the states a charge ends in (the orders style)."""

from __future__ import annotations

PROCESSING = "processing"
SUCCEEDED = "succeeded"
FAILED = "failed"
VOID = "void"
REFUNDING = "refunding"
REFUNDED = "refunded"

STATES = (PROCESSING, SUCCEEDED, FAILED, VOID, REFUNDING, REFUNDED)

TRANSITIONS: dict[str, frozenset[str]] = {
    PROCESSING: frozenset({SUCCEEDED, FAILED, VOID}),
    # Voided by a cancel while the processor was answering: the money came in after all, and goes back.
    VOID: frozenset({SUCCEEDED}),
    SUCCEEDED: frozenset({REFUNDING}),
    # A refund interrupted (a crash, a redelivery) is taken up again from where it stood.
    REFUNDING: frozenset({REFUNDING, REFUNDED}),
    FAILED: frozenset(),
    REFUNDED: frozenset(),
}


class IllegalTransition(ValueError):
    def __init__(self, src: str, dst: str):
        super().__init__(f"a charge cannot go from {src} to {dst}")
        self.src, self.dst = src, dst


def can_transition(src: str, dst: str) -> bool:
    return dst in TRANSITIONS.get(src, frozenset())


def check_transition(srcs: str | tuple[str, ...], dst: str) -> None:
    for src in (srcs,) if isinstance(srcs, str) else srcs:
        if not can_transition(src, dst):
            raise IllegalTransition(src, dst)
