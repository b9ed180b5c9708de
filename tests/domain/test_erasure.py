"""Erasure on request: the response and every copy of its words go, the audit event stays."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.domain.dashboard_filters import data_version
from portal.domain.erasure import (
    ERASED,
    ERASED_ACTION,
    ErasureRefused,
    ResponseNotFound,
    erase_response,
    normalise_reference,
)
from portal.domain.requests import add_comment, change_status
from portal.domain.rollups import drift
from portal.extensions import db
from portal.models import (
    Answer,
    AuditEvent,
    Coding,
    OutboxMessage,
    RequestComment,
    RequestSource,
    Response,
    SupplierRequest,
    Tag,
)
from tests.requests_helpers import LOGIN_FAULT, filed, therapist_feedback

NOW = datetime(2026, 3, 3, 10, 0)


def count(model, *where) -> int:
    """Rows of a model matching the conditions."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def every_text() -> str:
    """All request, comment and e-mail text, to search for copies."""
    parts = [r.title + " " + r.description for r in db.session.scalars(select(SupplierRequest))]
    parts += [c.body for c in db.session.scalars(select(RequestComment))]
    parts += [m.subject + " " + m.body for m in db.session.scalars(select(OutboxMessage))]
    return "\n".join(parts)


@pytest.fixture
def quoted(coded):
    """A therapist's login fault, proposed, filed, quoted in a comment and a direct request."""
    submission = therapist_feedback(coded, LOGIN_FAULT)
    proposal = db.session.scalar(select(SupplierRequest).join(RequestSource).where(
        RequestSource.response_id == submission.response_id))
    change_status(db.session, proposal, coded.users["manager"], "new", NOW, "http://portal.test")
    add_comment(db.session, proposal, coded.users["manager"],
                f'A therapist wrote: "{LOGIN_FAULT}"', True, NOW, "http://portal.test")
    db.session.commit()
    filed(coded, title="Sign-in again",
          description=f"Copied from feedback: {LOGIN_FAULT}. Urgent.")
    coded.submission = submission
    return coded


def test_erasure_removes_the_response_and_every_copy(quoted):
    response_id, reference = quoted.submission.response_id, quoted.submission.reference
    coding_ids = list(db.session.scalars(select(Coding.id)
                                         .where(Coding.response_id == response_id)))
    assert coding_ids and count(Tag, Tag.coding_id.in_(coding_ids)) > 0
    assert count(RequestSource, RequestSource.response_id == response_id) > 0
    assert LOGIN_FAULT in every_text()
    others = count(Response) - 1

    # Typed as a person might read it out: lower case, spaces for dashes.
    typed = reference.lower().replace("-", " ")
    erasure = erase_response(db.session, quoted.users["lead"], typed, "Asked by phone, ticket 42")
    db.session.commit()

    assert erasure.response_id == response_id and erasure.reference == reference
    assert db.session.get(Response, response_id) is None
    assert count(Answer, Answer.response_id == response_id) == 0
    assert count(Coding, Coding.response_id == response_id) == 0
    assert count(Tag, Tag.coding_id.in_(coding_ids)) == 0
    assert count(RequestSource, RequestSource.response_id == response_id) == 0
    assert count(Response) == others
    text = every_text()
    assert LOGIN_FAULT not in text and ERASED in text
    assert "Urgent." in text  # the direct request keeps its own words
    # Its choices (role, programme) are not its words: the comment keeps "therapist".
    assert f'A therapist wrote: "{ERASED}"' in text
    assert f"Bug report: {ERASED}" in text
    assert drift(db.session) == []
    assert erasure.removed["responses"] == 1 and erasure.removed["requests_scrubbed"] == 2


def test_the_audit_event_says_who_when_which_and_why_but_not_what(quoted):
    reference = quoted.submission.reference
    erase_response(db.session, quoted.users["admin"], reference, "Patient emailed the service")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == ERASED_ACTION))
    assert event.actor_id == quoted.users["admin"].id and event.at is not None
    assert event.subject_type == "response" and event.subject_id == quoted.submission.response_id
    assert event.before["reference"] == reference
    assert event.after["reason"] == "Patient emailed the service"
    stored = json.dumps([event.before, event.after])
    assert "log in" not in stored and "password" not in stored


def test_erasure_changes_the_dashboards_data_version(quoted):
    oldest = quoted.responses[0]
    before = data_version(db.session)
    erase_response(db.session, quoted.users["lead"], oldest.response_id, "Asked in clinic")
    db.session.commit()
    assert data_version(db.session) != before


@pytest.mark.parametrize("role, allowed", [("admin", True), ("lead", True), ("manager", False),
                                           ("therapist", False), ("vendor", False)])
def test_only_admins_and_leads_erase(coded, role, allowed):
    reference = coded.responses[0].reference
    if allowed:
        erase_response(db.session, coded.users[role], reference, "Asked by the patient")
        db.session.commit()
        assert count(Response, Response.reference == reference) == 0
    else:
        with pytest.raises(ErasureRefused):
            erase_response(db.session, coded.users[role], reference, "Asked by the patient")
        db.session.rollback()
        assert count(Response, Response.reference == reference) == 1
        assert count(AuditEvent, AuditEvent.action == ERASED_ACTION) == 0


def test_a_reason_is_required_and_a_reference_erases_once(coded):
    reference = coded.responses[1].reference
    with pytest.raises(ErasureRefused):
        erase_response(db.session, coded.users["lead"], reference, "   ")
    erase_response(db.session, coded.users["lead"], reference, "Asked twice")
    db.session.commit()
    with pytest.raises(ResponseNotFound):
        erase_response(db.session, coded.users["lead"], reference, "Asked twice")
    with pytest.raises(ResponseNotFound):
        erase_response(db.session, coded.users["lead"], "ZZZZ-ZZZZ-ZZZZ", "Typo")


def test_references_are_read_as_typed():
    assert normalise_reference(" k7qm 4xzp-r2ab ") == "K7QM-4XZP-R2AB"
