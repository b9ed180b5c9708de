"""Backup and restore round trips on both backends: every table's rows come back the same."""

import contextvars
import uuid
from datetime import datetime

import pytest
from sqlalchemy import create_engine, select, text

from portal import create_app
from portal.backup import BackupFailed, backup, restore
from portal.domain.requests import add_comment
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import Invitation, Response, Service, SupplierRequest
from tests.conftest import PG_ADMIN_URL
from tests.requests_helpers import filed, therapist_feedback


def every_row(url: str) -> dict[str, list[tuple]]:
    """Each table's rows in primary-key order, read through a fresh engine."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {table.name: [tuple(row) for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns))]
                    for table in db.metadata.sorted_tables}
    finally:
        engine.dispose()


@pytest.fixture
def empty_database(backend, tmp_path):
    """The URL of a new, empty database on the current backend (dropped afterwards)."""
    kind, _ = backend
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    name = f"uptake_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def filled(coded):
    """Responses, codings, rollups, requests, comments, e-mails and audit events."""
    therapist_feedback(coded)
    request = filed(coded, description="Since Monday nobody can sign in. Ünïcode ✓")
    add_comment(db.session, request, coded.users["vendor"], "Looking into it.", True,
                datetime(2026, 3, 2, 10, 0), "http://portal.test")
    db.session.commit()
    return coded


def test_a_backup_restores_into_an_empty_database_row_for_row(filled, app, empty_database,
                                                               tmp_path):
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()  # the backup sees only committed rows; hold nothing open
    path = backup(source, tmp_path / "uptake.backup")
    assert path.stat().st_size > 0

    restore(path, empty_database)

    wanted, got = every_row(source), every_row(empty_database)
    assert wanted["responses"] and wanted["tags"] and wanted["supplier_requests"]
    assert wanted["theme_rollups"] and wanted["audit_events"] and wanted["outbox_messages"]
    assert got == wanted


def test_a_restored_database_takes_new_responses(filled, app, empty_database, tmp_path):
    token = filled.links["patient"].token
    db.session.remove()
    restore(backup(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "b"), empty_database)
    restored = create_app({"TESTING": True, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": empty_database})
    with restored.app_context():
        service = db.session.scalar(select(Service).where(Service.name.like("Leeds%")))
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.token == token))
        before = db.session.scalar(select(db.func.max(Response.id)))
        # A sequence left behind by the restore would collide with a restored id here.
        made = submit_response(db.session, version=invitation.instrument.current,
                               service=service, invitation=invitation,
                               answers={"programme": "depression", "helped": "It was fine."},
                               idempotency_key=new_idempotency_key())
        db.session.commit()
        assert made.response_id > before
        assert db.session.scalar(select(db.func.count()).select_from(SupplierRequest)) >= 1
        db.session.remove()
        db.engine.dispose()


def test_the_cli_backs_up_and_restores(filled, app, runner, empty_database, tmp_path):
    db.session.remove()
    path = tmp_path / "cli.backup"
    made = runner.invoke(args=["data", "backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "Backed up to" in made.output
    target = create_app({"TESTING": True, "SECRET_KEY": "x",
                         "SQLALCHEMY_DATABASE_URI": empty_database})
    # Outside the test's app context, or the command would run against the test's app.
    restored = contextvars.Context().run(target.test_cli_runner().invoke,
                                         args=["data", "restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert every_row(empty_database) == every_row(app.config["SQLALCHEMY_DATABASE_URI"])


def test_a_missing_backup_is_refused(app, tmp_path):
    with pytest.raises(BackupFailed):
        restore(tmp_path / "nothing-here", app.config["SQLALCHEMY_DATABASE_URI"])
