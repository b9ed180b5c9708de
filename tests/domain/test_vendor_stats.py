"""Responsiveness numbers: GROUP BY per vendor, product and service, breaches and backlog."""

import math
from datetime import datetime

import pytest

from portal.config import DEFAULT_SLA_HOURS
from portal.domain.dashboard_filters import Filters
from portal.domain.vendor_stats import backlog, breaches, responsiveness
from portal.extensions import db
from tests.requests_helpers import at, build_history, other_vendor_user

NOW = datetime(2026, 3, 17, 9, 0)
CONFIG = {"REQUEST_SLA_HOURS": DEFAULT_SLA_HOURS}


@pytest.fixture
def history(world):
    """Two Northlight requests answered (one late), two Thrive requests never answered."""
    return build_history(world)


def records(frame):
    """Rows as dicts, NaN as None."""
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in frame.drop(columns="key").to_dict("records")]


def test_per_vendor_for_a_lead(app, history):
    """Mean hours and breaches per vendor, computed in SQL."""
    frame = responsiveness(db.session, history.users["lead"], Filters(), "vendor",
                           config=CONFIG, now=NOW)
    assert records(frame) == [
        {"label": "Northlight Health", "requests": 2, "open": 0, "first_response_hours": 4.0,
         "resolution_hours": 39.0, "first_response_breaches": 1, "resolution_breaches": 1},
        {"label": "Thrive Digital", "requests": 2, "open": 2, "first_response_hours": None,
         "resolution_hours": None, "first_response_breaches": 1, "resolution_breaches": 1}]


@pytest.mark.parametrize(("who", "labels"), [
    ("manager", ["Leeds Talking Therapies"]), ("other_manager", ["Bristol Wellbeing"]),
    ("vendor", ["Leeds Talking Therapies"]), ("other_vendor", ["Bristol Wellbeing"]),
    ("therapist", ["Leeds Talking Therapies"]),
    ("lead", ["Bristol Wellbeing", "Leeds Talking Therapies"])])
def test_each_role_sees_its_own_scope(app, history, who, labels):
    """Managers their service, vendors their products, leads everything."""
    other_vendor_user(history)
    frame = responsiveness(db.session, history.users[who], Filters(), "service",
                           config=CONFIG, now=NOW)
    assert list(frame["label"]) == labels


def test_filters_narrow_by_service_and_date(app, history):
    """The filter bar's services and months of filing apply."""
    lead = history.users["lead"]
    bristol = responsiveness(db.session, lead, Filters(services=(
        history.services["bristol"].id,)), "product", config=CONFIG, now=NOW)
    assert list(bristol["label"]) == ["Thrive iCBT"] and list(bristol["requests"]) == [2]
    # Periods are whole months, as on every dashboard: an end date stands for its month.
    march = responsiveness(db.session, lead, Filters(end=at(3).date()), "vendor",
                           config=CONFIG, now=NOW)
    assert list(march["requests"]) == [2, 2]
    before = responsiveness(db.session, lead, Filters(end=at(3).date().replace(month=2)),
                            "vendor", config=CONFIG, now=NOW)
    assert before.empty or list(before["requests"]) == [0, 0]


def test_breaches_per_priority(app, history):
    """Urgent missed both targets; normal missed both by now; low and high met theirs."""
    frame = breaches(db.session, history.users["lead"], Filters(), config=CONFIG, now=NOW)
    assert frame.to_dict("records") == [
        {"priority": "urgent", "requests": 1, "first_response_breaches": 1,
         "resolution_breaches": 1},
        {"priority": "high", "requests": 1, "first_response_breaches": 0,
         "resolution_breaches": 0},
        {"priority": "normal", "requests": 1, "first_response_breaches": 1,
         "resolution_breaches": 1},
        {"priority": "low", "requests": 1, "first_response_breaches": 0,
         "resolution_breaches": 0}]


def test_backlog_by_week(app, history):
    """Weeks from the first filing, empty weeks included, open = filed - finished so far."""
    frame = backlog(db.session, history.users["lead"], Filters())
    assert [str(w.date()) for w in frame["week"]] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert list(frame["filed"]) == [3, 0, 1] and list(frame["finished"]) == [2, 0, 0]
    assert list(frame["open"]) == [1, 1, 2]
    # Periods are whole months: a start in April leaves March's requests out.
    assert backlog(db.session, history.users["manager"],
                   Filters(start=at(20).date().replace(month=4))).empty
