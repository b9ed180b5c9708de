"""SLA clocks with a fixed clock: due times, breaches, stopped clocks and their wording."""

from datetime import datetime, timedelta

from portal.config import DEFAULT_SLA_HOURS, sla_hours
from portal.domain.sla import clocks, span
from portal.models import SupplierRequest

FILED = datetime(2026, 3, 2, 9, 0)


def request(priority="high", status="new", **times) -> SupplierRequest:
    """An unsaved request filed at FILED."""
    return SupplierRequest(priority=priority, status=status, **{"filed_at": FILED, **times})


def test_running_clocks_before_and_after_the_target():
    """High: first response within 8 h, resolution within 72 h."""
    first, resolve = clocks(request(), FILED + timedelta(hours=5), DEFAULT_SLA_HOURS)
    assert first.due == FILED + timedelta(hours=8) and first.running and not first.breached
    assert first.text == "due in 3 h" and resolve.text == "due in 2 d 19 h"
    first, resolve = clocks(request(), FILED + timedelta(hours=30), DEFAULT_SLA_HOURS)
    assert first.breached and first.text == "overdue by 22 h"
    assert not resolve.breached


def test_stopped_clocks_are_met_or_missed():
    """A first response after 10 h missed the 8 h target; resolution in 2 days met 72 h."""
    done = request(status="resolved", first_response_at=FILED + timedelta(hours=10),
                   resolved_at=FILED + timedelta(days=2))
    first, resolve = clocks(done, FILED + timedelta(days=30), DEFAULT_SLA_HOURS)
    assert (first.breached, first.text) == (True, "missed by 2 h")
    assert (resolve.breached, resolve.text) == (False, "met")


def test_proposals_have_no_clock():
    """The clock starts when the request is filed."""
    first, resolve = clocks(request(status="proposed", filed_at=None), FILED,
                            DEFAULT_SLA_HOURS)
    assert first.due is None and not first.breached and first.text == "not filed yet"


def test_targets_come_from_the_setting():
    """REQUEST_SLA_HOURS overrides named priorities; a bad entry is refused clearly."""
    targets = sla_hours("urgent=1/8, low=100/1000")
    assert targets["urgent"] == (1, 8) and targets["low"] == (100, 1000)
    assert targets["normal"] == DEFAULT_SLA_HOURS["normal"]
    first, _ = clocks(request(priority="urgent"), FILED + timedelta(hours=2), targets)
    assert first.breached
    try:
        sla_hours("urgent=soon")
    except ValueError as error:
        assert "high=8/72" in str(error)
    else:
        raise AssertionError("a bad setting was accepted")
    assert span(timedelta(hours=-3)) == "0 h"
