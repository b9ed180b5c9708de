"""No password, token, session id or patient text in any log line or in the audit trail."""

import json
import logging

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from tests.conftest import PASSWORD, csrf_from, fresh, login
from tests.web.collect.test_routes import form_fields

SECRET_GUESS = "Zebra-Guess-4471"
PATIENT_TEXT = "My neighbour Alice Fernsby saw my diary entries"
NEW_PASSWORD = "Quartz-Lantern-9920"


@pytest.fixture
def everything_logged(caplog):
    """Capture every logger at DEBUG for the test."""
    caplog.set_level(logging.DEBUG)
    return caplog


def test_nothing_secret_reaches_the_logs_or_the_audit_trail(app, client, world,
                                                             everything_logged):
    """A failed sign-in, a lockout, a submission by link, a password change, an audit write."""
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 2
    for _ in range(3):  # two failures, then a lockout refusal
        login(client, "lead@x.test", SECRET_GUESS)
    token = world.links["patient"].token
    url = f"/i/{token}"
    data = {**form_fields(client, url), "programme": "depression",
            "support_experience": PATIENT_TEXT, "consent": "y"}
    assert client.post(url, data=data).status_code == 302
    assert client.get(f"/i/{token}-not-a-link").status_code == 404  # logged as a miss?
    login(client, "admin@x.test")
    session_cookie = client.get_cookie("session").value
    form = client.get("/account/password").get_data(as_text=True)
    assert client.post("/account/password", data={
        "current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_from(form)}).status_code == 302
    # The server noticed: sign-ins, failures, lockouts and the change are audited.
    events = fresh().scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = {e.action for e in events}
    assert {"auth.login_failed", "auth.lockout", "auth.login_refused", "auth.login",
            "user.password_changed"} <= actions
    audited = json.dumps([[e.action, e.subject_type, e.before, e.after] for e in events])
    logged = everything_logged.text
    assert any("sign-in failed" in r.getMessage() for r in everything_logged.records)
    for secret in (SECRET_GUESS, PASSWORD, NEW_PASSWORD, token, PATIENT_TEXT, "Fernsby",
                   session_cookie, "lead@x.test"):
        assert secret not in logged, f"{secret!r} reached a log line"
        assert secret not in audited, f"{secret!r} reached the audit trail"
    db.session.rollback()
