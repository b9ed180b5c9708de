"""Server-side sessions: timeouts, ending one, ending all; on a fixed clock."""

from datetime import datetime, timedelta

import pytest

from portal.domain.sessions import (
    Timeouts,
    end_all_sessions,
    end_session,
    find_session,
    live_user,
    start_session,
)
from portal.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, 0)
TIMEOUTS = Timeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


def check(user, token, minutes: float):
    """The live user for a token some minutes after T0."""
    return live_user(db.session, user.id, token, T0 + timedelta(minutes=minutes), TIMEOUTS)[0]


def test_a_session_lives_while_used_and_dies_when_idle(world):
    """Use every 20 minutes keeps it; 31 minutes unused ends it for good."""
    lead = world.users["lead"]
    token = start_session(db.session, lead, T0)
    assert check(lead, token, 20) is lead
    assert check(lead, token, 40) is lead  # 20 after the last use
    assert check(lead, token, 71) is None
    assert find_session(db.session, token).ended_why == "timeout"
    assert check(lead, token, 72) is None


def test_a_session_dies_after_the_absolute_timeout_however_busy(world):
    """Used every 20 minutes, it still ends 12 hours after sign-in."""
    lead = world.users["lead"]
    token = start_session(db.session, lead, T0)
    for minute in range(20, 12 * 60, 20):
        assert check(lead, token, minute) is lead
    assert check(lead, token, 12 * 60 + 1) is None


@pytest.mark.parametrize("token", [None, "", "made-up"])
def test_unknown_tokens_are_refused(world, token):
    """No token, an empty one or an invented one is no session."""
    assert check(world.users["lead"], token, 0) is None


def test_a_token_belongs_to_its_user(world):
    """Another user's id with this token is refused."""
    token = start_session(db.session, world.users["lead"], T0)
    assert check(world.users["admin"], token, 1) is None


def test_ending_one_or_all(world):
    """Sign-out ends one session; a password change ends all of them."""
    lead = world.users["lead"]
    first, second, third = (start_session(db.session, lead, T0) for _ in range(3))
    end_session(db.session, first, T0, "logout")
    assert check(lead, first, 1) is None and check(lead, second, 1) is lead
    assert end_all_sessions(db.session, lead, T0, "password") == 2
    assert check(lead, second, 1) is None and check(lead, third, 1) is None


def test_a_disabled_account_loses_its_sessions(world):
    """Deactivating an account refuses its live sessions at once."""
    lead = world.users["lead"]
    token = start_session(db.session, lead, T0)
    lead.active = False
    assert check(lead, token, 1) is None


def test_only_the_hash_is_stored(world):
    """The table holds a SHA-256 of the token, never the token."""
    token = start_session(db.session, world.users["lead"], T0)
    record = find_session(db.session, token)
    assert token not in record.token_hash and len(record.token_hash) == 64
