"""The audit trail is append-only in the database itself, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from portal.domain.audit import events, record
from portal.extensions import db
from portal.models import AuditEvent


@pytest.fixture
def event(world):
    """One committed event."""
    recorded = record(db.session, world.users["lead"], "user.coder", "user", 3,
                      before={"is_coder": False}, after={"is_coder": True})
    db.session.commit()
    return recorded.id


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'forged' WHERE id = :id",
    "UPDATE audit_events SET actor_id = NULL",
    "DELETE FROM audit_events WHERE id = :id",
    "DELETE FROM audit_events",
])
def test_sql_cannot_change_or_remove_an_event(app, event, statement):
    """UPDATE and DELETE through plain SQL fail; the event is unchanged."""
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text(statement), {"id": event})
    db.session.rollback()
    kept = db.session.get(AuditEvent, event)
    assert kept is not None and kept.action == "user.coder" and kept.actor_id is not None


def test_truncate_is_refused_on_postgresql(app, event):
    """PostgreSQL's TRUNCATE skips row triggers; a statement trigger refuses it too."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    db.session.rollback()  # TRUNCATE waits for every open transaction on the table, ours too
    with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_events"))


def test_adding_still_works_and_reads_filter(app, world, event):
    """Inserts pass the triggers; the query filters by actor, action and none."""
    record(db.session, None, "auth.login_failed", "user", world.users["lead"].id)
    db.session.commit()
    anonymous = db.session.scalars(events(no_actor=True)).all()
    assert anonymous[0].action == "auth.login_failed"  # newest first
    assert all(e.actor_id is None for e in anonymous)
    lead = world.users["lead"].id
    assert [e.id for e in db.session.scalars(events(actor_id=lead))] == [event]
    assert db.session.scalars(events(action="user.coder")).all()[0].id == event


def test_no_code_path_updates_or_deletes_events():
    """The portal's source has no UPDATE or DELETE of AuditEvent."""
    from pathlib import Path

    import portal

    root = Path(portal.__file__).parent
    for path in root.rglob("*.py"):
        source = path.read_text()
        for forbidden in ("update(AuditEvent", "delete(AuditEvent", "AuditEvent).delete",
                          "AuditEvent).update"):
            assert forbidden not in source, f"{path} has {forbidden}"
