"""The purge on a fixed clock: what goes, what stays, the counts, and rollups that still add up."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.domain.erasure import PURGED_ACTION
from portal.domain.requests import change_status
from portal.domain.retention import KINDS, parse_days, periods, purge
from portal.domain.rollups import drift
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import AuditEvent, Job, OutboxMessage, Response, SupplierRequest
from tests.requests_helpers import filed, move, therapist_feedback

NOW = datetime(2025, 6, 1, 3, 0)  # before the links expire, which count real days
CONFIG = {"RETENTION_DAYS_PATIENT_RESPONSES": "30", "RETENTION_DAYS_STAFF_RESPONSES": "60",
          "RETENTION_DAYS_CLOSED_REQUESTS": "30", "RETENTION_DAYS_OUTBOX_MESSAGES": "10",
          "RETENTION_DAYS_FINISHED_JOBS": "10"}


def ago(days: int) -> datetime:
    """A moment this many days before NOW."""
    return NOW - timedelta(days=days)


def patient(world, days: int) -> int:
    """A patient's response submitted days before NOW; its id."""
    submission = submit_response(
        db.session, version=world.instruments["patient"].current,
        service=world.services["leeds"], invitation=world.links["patient"],
        answers={"programme": "depression", "helped": "The reminders kept me on track.",
                 "hindered": "The app kept logging me out halfway through a module."},
        idempotency_key=new_idempotency_key(), now=ago(days))
    db.session.commit()
    return submission.response_id


def count(model, *where) -> int:
    """Rows of a model matching the conditions."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def aged(world):
    """Responses, requests, e-mails, jobs and audit events of several ages."""
    ids = {"old_patient": patient(world, 40), "young_patient": patient(world, 5),
           "old_staff": therapist_feedback(world, when=ago(90)).response_id,
           "middle_staff": therapist_feedback(world, when=ago(40)).response_id}
    vendor = world.users["vendor"]
    closed = filed(world, title="Old and done", now=ago(50))
    move(closed, vendor, "resolved", ago(45))
    original = filed(world, title="Old original", now=ago(50))
    move(original, vendor, "resolved", ago(45))
    copy = filed(world, title="A young duplicate", now=ago(3))
    change_status(db.session, copy, vendor, "duplicate", ago(2), "http://portal.test",
                  duplicate_of=original)
    db.session.commit()
    still_open = filed(world, title="Old but open", now=ago(50))
    db.session.add_all([
        Job(kind="retag", state="done", created_at=ago(20), finished_at=ago(20)),
        Job(kind="retag", state="failed", created_at=ago(2), finished_at=ago(2)),
        Job(kind="retag", state="running", created_at=ago(20), started_at=ago(20)),
        OutboxMessage(recipient="a@x.test", subject="Old", body="b", created_at=ago(30)),
        AuditEvent(action="test.old", subject_type="test", subject_id=1, at=ago(200)),
        AuditEvent(action="test.young", subject_type="test", subject_id=2, at=ago(20))])
    db.session.commit()
    world.ids = ids
    world.requests = {"closed": closed.id, "original": original.id, "copy": copy.id,
                      "open": still_open.id}
    return world


def test_purge_removes_what_is_past_its_period_and_nothing_else(aged):
    audit_cutoff = ago(100)
    old_events = count(AuditEvent, AuditEvent.at < audit_cutoff)
    young_events = count(AuditEvent, AuditEvent.at >= audit_cutoff)
    old_mail = count(OutboxMessage, OutboxMessage.created_at < ago(10))

    counts = purge(db.session, NOW, CONFIG)
    db.session.commit()

    assert counts == {"patient_responses": 1, "staff_responses": 1, "closed_requests": 1,
                      "outbox_messages": old_mail, "finished_jobs": 1}
    left = set(db.session.scalars(select(Response.id)))
    assert left == {aged.ids["young_patient"], aged.ids["middle_staff"]} | \
        (left - set(aged.ids.values()))
    assert aged.ids["old_patient"] not in left and aged.ids["old_staff"] not in left
    requests = set(db.session.scalars(select(SupplierRequest.id)))
    assert aged.requests["closed"] not in requests
    # The original of a kept duplicate stays, and so does anything still open.
    assert {aged.requests["original"], aged.requests["copy"], aged.requests["open"]} <= requests
    assert [j.state for j in db.session.scalars(select(Job).order_by(Job.id))] == \
        ["failed", "running"]
    # The audit trail is append-only: old and young events alike stay.
    assert count(AuditEvent, AuditEvent.at < audit_cutoff) == old_events
    assert count(AuditEvent, AuditEvent.at >= audit_cutoff,
                 AuditEvent.action != PURGED_ACTION) == young_events
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == PURGED_ACTION))
    assert event.after["removed"] == counts and event.actor_id is None
    assert drift(db.session) == []


def test_a_second_purge_finds_nothing_and_records_nothing(aged):
    purge(db.session, NOW, CONFIG)
    db.session.commit()
    events = count(AuditEvent)
    again = purge(db.session, NOW, CONFIG)
    db.session.commit()
    assert set(again.values()) == {0}
    assert count(AuditEvent) == events


def test_a_dry_run_counts_the_same_and_changes_nothing(aged):
    responses, events = count(Response), count(AuditEvent)
    dry = purge(db.session, NOW, CONFIG, dry_run=True)
    db.session.rollback()
    assert count(Response) == responses and count(AuditEvent) == events
    assert purge(db.session, NOW, CONFIG) == dry


def test_zero_or_empty_keeps_for_good(aged):
    keep = {key: value for key, value in CONFIG.items()}
    keep.update({"RETENTION_DAYS_PATIENT_RESPONSES": "0", "RETENTION_DAYS_STAFF_RESPONSES": ""})
    counts = purge(db.session, NOW, keep)
    assert counts["patient_responses"] == counts["staff_responses"] == 0


def test_periods_default_and_parse():
    found = periods({})
    assert set(found) == set(KINDS)
    assert all(p.days and p.days > 0 for p in found.values())  # every default keeps a while
    assert parse_days(" 14 ") == 14 and parse_days("0") is None and parse_days("") is None
    with pytest.raises(ValueError):
        parse_days("-1")


def test_the_purge_commits_between_batches_when_asked(aged, monkeypatch):
    import portal.domain.retention as retention

    monkeypatch.setattr(retention, "BATCH", 1)
    commits = []

    def checkpoint() -> None:
        """Commit, as the command line does, and count."""
        db.session.commit()
        commits.append(count(Response))

    counts = purge(db.session, NOW, CONFIG, checkpoint=checkpoint)
    db.session.commit()
    assert counts["patient_responses"] + counts["staff_responses"] == len(commits) == 2
    assert commits[0] == commits[1] + 1  # each batch was committed on its own
    assert drift(db.session) == []
