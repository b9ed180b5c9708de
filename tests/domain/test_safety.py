"""Risk flags on the write path: raised in the same transaction, kept from vendors and logs."""

import logging

import pytest
from sqlalchemy import select

from portal.domain.safety import FlagRefused, change_flag, set_clinician
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import AuditEvent, RiskFlag, SupplierRequest, utcnow

RISKY = "The app keeps crashing when I log in and honestly I've been hurting myself again."


def patient(world, **answers):
    """A patient's response by invitation, committed."""
    submission = submit_response(db.session, version=world.instruments["patient"].current,
                                 service=world.services["leeds"],
                                 answers={"programme": "depression", **answers},
                                 idempotency_key=new_idempotency_key(),
                                 invitation=world.links["patient"])
    db.session.commit()
    return submission


def test_a_risky_patient_answer_is_flagged_and_not_proposed(app, world, caplog):
    """The flag is raised; the crash in the same answer proposes nothing; no text is logged."""
    with caplog.at_level(logging.DEBUG):
        submission = patient(world, hindered=RISKY,
                             helped="My supporter replied within a day.")
    [flag] = db.session.scalars(select(RiskFlag)).all()
    assert (flag.response_id, flag.status, flag.category) == (submission.response_id, "open",
                                                              "self_harm")
    assert flag.service_id == world.services["leeds"].id
    assert flag.answer.item_id == "hindered" and flag.created_at.hour == 0
    assert db.session.scalars(select(SupplierRequest)).all() == []
    assert "risk flag raised" in caplog.text
    for fragment in ("hurting", "crashing", "supporter"):
        assert fragment not in caplog.text


def test_only_the_flagged_answer_is_held_back(app, world):
    """Another answer of the same response still proposes, and its text has no risky words."""
    patient(world, hindered="The app keeps crashing when I log in.",
            helped="Honestly the only thing that helped was not wanting to kill myself.")
    requests = db.session.scalars(select(SupplierRequest)).all()
    assert requests and all("kill" not in r.title + r.description for r in requests)
    assert len(db.session.scalars(select(RiskFlag)).all()) == 1


def test_staff_text_and_quiet_answers_raise_nothing(app, world):
    """Therapists discussing risk are not flagged; ordinary patient text is not flagged."""
    from tests.requests_helpers import therapist_feedback

    therapist_feedback(world, "We worry about suicide risk out of hours with online work.")
    patient(world, hindered="The worksheets were long.")
    assert db.session.scalars(select(RiskFlag)).all() == []


def test_acknowledge_then_close_with_a_note_is_audited(app, world):
    """Open, acknowledged, closed; closing needs a note; audit rows hold no note text."""
    patient(world, hindered=RISKY)
    flag = db.session.scalar(select(RiskFlag))
    manager = world.users["manager"]
    with pytest.raises(FlagRefused):
        change_flag(db.session, flag, manager, "closed", "", utcnow())
    change_flag(db.session, flag, manager, "acknowledged", "", utcnow())
    change_flag(db.session, flag, manager, "closed", "Discussed at the risk huddle.", utcnow())
    db.session.commit()
    assert (flag.status, flag.acknowledged_by_id, flag.closed_by_id) == ("closed", manager.id,
                                                                         manager.id)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("risk.%"))
                                .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["risk.acknowledged", "risk.closed"]
    assert "huddle" not in str([e.after for e in events])
    with pytest.raises(FlagRefused):
        change_flag(db.session, flag, manager, "acknowledged", "", utcnow())


def test_managers_designate_only_their_own_therapists(app, world):
    """Designation is the own service's manager's, and audited."""
    therapist = world.users["therapist"]
    with pytest.raises(PermissionError):
        set_clinician(db.session, world.users["other_manager"], therapist, True)
    assert set_clinician(db.session, world.users["manager"], therapist, True)
    assert therapist.can_review_risk(world.services["leeds"])
    assert not therapist.can_review_risk(world.services["bristol"])
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.subject_type == "user")) == "user.clinician"
