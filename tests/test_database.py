"""SQLite set up for several gunicorn workers; a locked database is a 503, not a 500."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text

from portal import create_app
from portal.extensions import db
from portal.models import Response
from tests.conftest import fresh
from tests.web.collect.test_routes import form_fields, patient_answers

# These are about SQLite's own settings: run them on SQLite only, rather than skip elsewhere.
sqlite_only = pytest.mark.parametrize("backend", [("sqlite", None)], ids=["sqlite"])


def impatient_client(database_url: str):
    """A client of an app whose SQLite writers wait only 50 ms for the lock."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "SQLALCHEMY_DATABASE_URI": database_url,
                       "SQLITE_BUSY_TIMEOUT_MS": 50}).test_client()


@contextmanager
def write_lock_held(database_url: str):
    """Hold SQLite's write lock from another connection, as another worker would."""
    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


@sqlite_only
def test_sqlite_pragmas(app):
    """WAL, a busy timeout and foreign keys on every connection."""
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


@sqlite_only
def test_locked_database_answers_503_with_retry_after_and_keeps_text(world, database_url):
    """Another writer holding the lock gives 503 + Retry-After; the form comes back filled."""
    client = impatient_client(database_url)
    url = f"/i/{world.links['patient'].token}"
    data = {**form_fields(client, url), **patient_answers(helped="Keep me, please 🙂")}
    with write_lock_held(database_url):
        response = client.post(url, data=data)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Keep me, please 🙂" in response.get_data(as_text=True)
    assert fresh().scalar(select(func.count()).select_from(Response)) == 0
    # The lock is gone: the same form goes through without a restart.
    assert client.post(url, data=data).status_code == 302
    assert fresh().scalar(select(func.count()).select_from(Response)) == 1


def test_unreachable_database_answers_503(tmp_path):
    """A database that cannot be opened is a 503 on any page that needs it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    response = app.test_client().get("/i/" + "A" * 32)
    assert response.status_code == 503
    assert response.headers["Retry-After"]


def test_database_errors_never_carry_the_answers(app, world):
    """A failing statement's error (which a 500 would log) hides its parameters."""
    from sqlalchemy.exc import IntegrityError

    from portal.models import Answer

    secret = "my phone number is 07700 900123"
    with pytest.raises(IntegrityError) as error:
        db.session.execute(Answer.__table__.insert(), {"response_id": 999_999, "item_id": "x",
                                                       "value_text": secret})
        db.session.flush()
    db.session.rollback()
    assert secret not in str(error.value)


@sqlite_only
def test_locked_database_keeps_a_signed_in_therapists_answers(world, database_url):
    """Staff get the same 503 with their text, and the page still knows who is signed in."""
    from tests.conftest import login

    client = impatient_client(database_url)
    login(client, "therapist@x.test")
    url = f"/survey/{world.services['leeds'].id}/therapist"
    data = {**form_fields(client, url), "role": "therapist", "programme": "depression",
            "years_icbt": "2", "helps": "Protected Friday afternoons 🙂"}
    with write_lock_held(database_url):
        response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Protected Friday afternoons 🙂" in html and "Tess Therapist" in html


@sqlite_only
def test_locked_database_keeps_a_new_links_form(world, database_url):
    """Creating a link while another writer holds the database: 503, the form still filled."""
    from tests.conftest import csrf_from, login

    client = impatient_client(database_url)
    login(client, "lead@x.test")
    page = client.get("/links/new").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "service_id": world.services["leeds"].id,
            "instrument_id": world.instruments["patient"].id, "label": "Clinic B poster",
            "days_valid": 30, "max_uses": 50}
    with write_lock_held(database_url):
        response = client.post("/links/new", data=data)
    assert response.status_code == 503
    assert "Clinic B poster" in response.get_data(as_text=True)
