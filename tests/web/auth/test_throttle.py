"""Sign-in throttling through the web: brute force and spraying, on the database and on Redis."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from tests.conftest import PASSWORD, fresh, login


@pytest.fixture(params=["database", "redis"])
def limited(request, app, world, frozen):
    """Small limits; the store is the database, or a real Redis when REDIS_URL is set."""
    app.config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=3, LOGIN_MAX_FAILURES_PER_CLIENT=5,
                      LOGIN_FAILURE_WINDOW_MINUTES=10)
    if request.param == "redis":
        url, prefix = request.getfixturevalue("redis_prefix")
        app.config.update(REDIS_URL=url, LOGIN_THROTTLE_REDIS_PREFIX=prefix)
    return world


def actions() -> list[str]:
    """Audit actions of sign-ins, oldest first."""
    return list(fresh().scalars(select(AuditEvent.action).where(AuditEvent.action.like("auth.%"))
                                .order_by(AuditEvent.id)))


def test_brute_force_on_one_account_locks_it_softly(app, client, limited, frozen):
    """Three failures lock the account, even against the right password, until they age out."""
    for _ in range(3):
        assert login(client, "lead@x.test", "guess").status_code == 400
    refused = login(client, "lead@x.test", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert client.get("/home").status_code == 302
    assert actions() == ["auth.login_failed"] * 3 + ["auth.lockout", "auth.login_refused"]
    # Other accounts are not locked; the lock lifts when the window has passed.
    other = app.test_client()
    assert login(other, "admin@x.test").status_code == 302
    frozen.advance(minutes=10, seconds=1)
    assert login(client, "lead@x.test").status_code == 302
    assert client.get("/home").status_code == 200


def test_password_spraying_from_one_client_is_stopped(app, client, limited):
    """One guess at each of five accounts blocks the client, even for a sixth account."""
    for who in ("admin", "lead", "manager", "therapist", "vendor"):
        assert login(client, f"{who}@x.test", "Spring2026!").status_code == 400
    refused = login(client, "manager2@x.test", PASSWORD)
    assert refused.status_code == 429
    assert "from this network" in refused.get_data(as_text=True)
    # Another address still signs in to the same account.
    elsewhere = app.test_client()
    response = elsewhere.get("/login")
    assert response.status_code == 200
    assert login_from(elsewhere, "10.1.2.3", "manager2@x.test").status_code == 302


def login_from(client, address: str, email: str):
    """Sign in with a given client address."""
    from tests.conftest import csrf_from

    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    return client.post("/login", environ_base={"REMOTE_ADDR": address}, data={
        "email": email, "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})


def test_unknown_accounts_lock_too(client, limited):
    """Locking does not tell which emails have accounts."""
    for _ in range(3):
        login(client, "nobody@x.test", "guess")
    assert login(client, "nobody@x.test", "guess").status_code == 429


def test_a_success_resets_the_account_count(client, limited):
    """Two failures, a success: the next two failures do not lock."""
    for _ in range(2):
        login(client, "lead@x.test", "guess")
    assert login(client, "lead@x.test").status_code == 302
    other_client = client.application.test_client()
    for _ in range(2):
        assert login(other_client, "lead@x.test", "guess").status_code == 400


def test_the_email_is_kept_on_a_refused_form(client, limited):
    """The typed email comes back; the password never does."""
    page = login(client, "lead@x.test", "guess-that-is-wrong").get_data(as_text=True)
    assert 'value="lead@x.test"' in page and "guess-that-is-wrong" not in page


def test_no_redis_means_the_database(app, client, world):
    """Without REDIS_URL the failures are rows in login_failures."""
    from portal.models import LoginFailure

    app.config["REDIS_URL"] = ""
    login(client, "lead@x.test", "guess")
    assert len(fresh().scalars(select(LoginFailure)).all()) == 2
    db.session.rollback()
