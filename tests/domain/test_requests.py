"""Requests in the domain: clocks set by status changes, audit, comments, scope."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.domain.request_status import TransitionRefused
from portal.domain.requests import (
    EditConflict,
    RequestInvalid,
    add_comment,
    change_status,
    edit_request,
    find_request,
    history,
    visible_comments,
)
from portal.extensions import db
from portal.models import AuditEvent
from tests.requests_helpers import at, filed

URL = "http://portal.test"


def test_status_changes_stop_and_restart_the_clocks(app, world):
    """The vendor's first action stops the first-response clock; resolving stops the other;
    reopening starts it again."""
    request = filed(world, now=at(2))
    vendor, manager = world.users["vendor"], world.users["manager"]
    change_status(db.session, request, vendor, "acknowledged", at(2, 11), URL)
    assert request.first_response_at == at(2, 11) and request.resolved_at is None
    change_status(db.session, request, vendor, "resolved", at(3), URL)
    assert request.resolved_at == at(3) and request.first_response_at == at(2, 11)
    change_status(db.session, request, manager, "in_progress", at(4), URL)
    assert request.resolved_at is None
    db.session.commit()
    actions = [(e.action, (e.after or {}).get("status")) for e in history(db.session, request)]
    assert actions == [("request.filed", "new"), ("request.status", "acknowledged"),
                       ("request.status", "resolved"), ("request.status", "in_progress")]


def test_a_service_withdrawal_is_not_a_vendor_response(app, world):
    """Closing a new request from the service side leaves the first-response clock alone."""
    request = filed(world, now=at(2))
    change_status(db.session, request, world.users["manager"], "closed", at(2, 10), URL)
    assert request.first_response_at is None and request.resolved_at == at(2, 10)


@pytest.mark.parametrize(("who", "to"), [("therapist", "closed"), ("manager", "acknowledged"),
                                         ("vendor", "dismissed")])
def test_the_domain_refuses_what_a_side_may_not_do(app, world, who, to):
    """The rules hold below the web layer too."""
    request = filed(world)
    with pytest.raises(TransitionRefused):
        change_status(db.session, request, world.users[who], to, at(3), URL)


def test_stale_edits_conflict_and_vendors_do_not_reword(app, world):
    """An edit from an old version is refused with what changed; vendors cannot retitle."""
    request = filed(world)
    edit_request(db.session, request, world.users["vendor"], expected_version=1,
                 changes={"priority": "urgent"}, now=at(3))
    db.session.commit()
    with pytest.raises(EditConflict) as conflict:
        edit_request(db.session, request, world.users["manager"], expected_version=1,
                     changes={"title": "Mine"}, now=at(3))
    assert conflict.value.current_version == 2
    assert [e.action for e in conflict.value.changes] == ["request.edited"]
    assert not edit_request(db.session, request, world.users["manager"], expected_version=1,
                            changes={"priority": "urgent"}, now=at(3))  # nothing to change
    with pytest.raises(RequestInvalid, match="add a comment"):
        edit_request(db.session, request, world.users["vendor"], expected_version=2,
                     changes={"title": "Renamed"}, now=at(3))
    with pytest.raises(RequestInvalid, match="vendor's staff"):
        edit_request(db.session, request, world.users["vendor"], expected_version=2,
                     changes={"assignee_id": world.users["manager"].id}, now=at(3))


def test_internal_notes_stay_with_the_vendor(app, world):
    """Only vendor staff write and read internal notes; comments are audited without text."""
    request = filed(world)
    add_comment(db.session, request, world.users["vendor"], "Escalate to auth team", False,
                at(3), URL)
    add_comment(db.session, request, world.users["manager"], "Thanks", True, at(4), URL)
    with pytest.raises(RequestInvalid):
        add_comment(db.session, request, world.users["manager"], "secret", False, at(4), URL)
    with pytest.raises(RequestInvalid):
        add_comment(db.session, request, world.users["manager"], "   ", True, at(4), URL)
    db.session.commit()
    assert [c.body for c in visible_comments(request, world.users["vendor"])] == [
        "Escalate to auth team", "Thanks"]
    assert [c.body for c in visible_comments(request, world.users["manager"])] == ["Thanks"]
    assert request.first_response_at is None  # an internal note is not a response
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "request.comment")).all()
    assert all("Escalate" not in str(e.after) for e in events)


def test_find_request_is_scoped_in_the_query(app, world):
    """Another service's manager and a proposal's vendor find nothing."""
    request = filed(world)
    proposal = filed(world, status="proposed")
    assert find_request(db.session, world.users["other_manager"], request.id) is None
    assert find_request(db.session, world.users["vendor"], proposal.id) is None
    assert find_request(db.session, world.users["vendor"], request.id) is request
    assert find_request(db.session, world.users["manager"], proposal.id) is proposal
    assert request.filed_at + timedelta(0) == request.created_at
