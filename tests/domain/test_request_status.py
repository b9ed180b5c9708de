"""Every status change: the listed ones are allowed for their side, all others refused."""

import itertools

import pytest

from portal.domain.request_status import (
    BOTH,
    SERVICE,
    STATUSES,
    TRANSITIONS,
    VENDOR,
    TransitionRefused,
    allowed_next,
    check_transition,
)

PAIRS = [(a, b) for a, b in itertools.product(STATUSES, STATUSES) if a != b]


@pytest.mark.parametrize(("status", "to"), PAIRS)
def test_each_pair_is_allowed_exactly_when_listed(status, to):
    """Allowed pairs pass for their sides and fail for the other; the rest fail for all."""
    who = TRANSITIONS.get((status, to))
    if who is None:
        with pytest.raises(TransitionRefused, match="cannot become"):
            check_transition(status, to, BOTH)
        return
    check_transition(status, to, who)
    for side in {SERVICE, VENDOR} - who:
        with pytest.raises(TransitionRefused, match="Only the"):
            check_transition(status, to, frozenset({side}))


def test_nobody_moves_a_request_without_a_side():
    """A therapist (no side) changes no status."""
    with pytest.raises(TransitionRefused):
        check_transition("new", "acknowledged", frozenset())


def test_refusals_say_what_is_possible():
    """The message names the statuses the request can move to."""
    with pytest.raises(TransitionRefused) as refused:
        check_transition("closed", "resolved", BOTH)
    assert "it can become: in progress" in str(refused.value)
    with pytest.raises(TransitionRefused, match="already"):
        check_transition("new", "new", BOTH)
    with pytest.raises(TransitionRefused, match="not a status"):
        check_transition("new", "bogus", BOTH)


def test_allowed_next_per_side():
    """The vendor triages new requests; the service confirms proposals."""
    assert allowed_next("new", frozenset({VENDOR})) == [
        "acknowledged", "in_progress", "resolved", "wont_fix", "duplicate"]
    assert allowed_next("proposed", frozenset({SERVICE})) == ["dismissed", "new", "duplicate"]
    assert allowed_next("duplicate", BOTH) == []
