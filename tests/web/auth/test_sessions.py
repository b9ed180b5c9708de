"""Sessions: a new one at sign-in, ended on the server at sign-out and password change,
idle and absolute timeouts, cookie flags."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import UserSession
from tests.conftest import PASSWORD, csrf_from, fresh, login

NEW_PASSWORD = "a much better passphrase"


def cookie(client) -> str:
    """The client's session cookie value."""
    found = client.get_cookie("session")
    return found.value if found else ""


def replay(app, value: str):
    """A fresh client carrying a copied session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", value)
    return thief


def test_signing_in_gives_a_new_session(app, client, world):
    """No fixation: the pre-sign-in cookie stays anonymous; each sign-in is a new session."""
    client.get("/login")
    before = cookie(client)
    assert before
    login(client, "lead@x.test")
    after = cookie(client)
    assert after and after != before
    assert replay(app, before).get("/home").status_code == 302
    assert replay(app, after).get("/home").status_code == 200
    second = app.test_client()
    login(second, "lead@x.test")
    tokens = fresh().scalars(select(UserSession.token_hash)).all()
    assert len(set(tokens)) == 2


def test_a_copied_cookie_dies_at_sign_out(app, client, world):
    """Sign-out ends the session on the server: a copy of the cookie is refused afterwards."""
    login(client, "lead@x.test")
    copied = cookie(client)
    assert replay(app, copied).get("/home").status_code == 200
    token = csrf_from(client.get("/home").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert replay(app, copied).get("/home").status_code == 302
    assert replay(app, copied).get("/dash/").status_code == 302
    ended = fresh().scalars(select(UserSession)).one()
    assert ended.ended_why == "logout" and ended.ended_at is not None


def test_a_password_change_ends_every_other_session(app, client, world):
    """Changing the password refuses copies of every cookie, keeps this browser signed in."""
    login(client, "lead@x.test")
    elsewhere = app.test_client()
    login(elsewhere, "lead@x.test")
    copied = cookie(client)
    form = client.get("/account/password")
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD,
        "csrf_token": csrf_from(form.get_data(as_text=True))})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200
    assert cookie(client) != copied
    assert replay(app, copied).get("/home").status_code == 302
    assert elsewhere.get("/home").status_code == 302
    assert login(app.test_client(), "lead@x.test", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(("fields", "message"), [
    ({"current": "wrong", "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
     "not your current password"),
    ({"current": PASSWORD, "new": "short", "confirm": "short"}, "at least 10 characters"),
    ({"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"},
     "The new passwords differ"),
    ({"current": PASSWORD, "new": "lead@x.test", "confirm": "lead@x.test"}, "email address"),
])
def test_password_change_errors_are_explained(client, world, fields, message):
    """Each mistake is named beside its field, with 400 and the session untouched."""
    login(client, "lead@x.test")
    form = client.get("/account/password")
    response = client.post("/account/password", data={
        **fields, "csrf_token": csrf_from(form.get_data(as_text=True))})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get("/home").status_code == 200


def test_password_change_needs_csrf_and_a_session(client, world):
    """No token: refused. Not signed in: sent to sign in."""
    assert client.get("/account/password").status_code == 302
    login(client, "lead@x.test")
    response = client.post("/account/password", data={
        "current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    assert login(client.application.test_client(), "lead@x.test").status_code == 302


def test_idle_timeout(app, client, world, frozen):
    """Thirty minutes unused ends the session; use within them keeps it."""
    login(client, "lead@x.test")
    frozen.advance(minutes=25)
    assert client.get("/home").status_code == 200
    frozen.advance(minutes=25)
    assert client.get("/home").status_code == 200
    frozen.advance(minutes=31)
    response = client.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert fresh().scalars(select(UserSession.ended_why)).one() == "timeout"


def test_absolute_timeout(app, client, world, frozen):
    """However busy, a session ends after the configured hours."""
    app.config["SESSION_ABSOLUTE_HOURS"] = 2
    login(client, "lead@x.test")
    for _ in range(7):
        frozen.advance(minutes=17)
        assert client.get("/home").status_code == 200
    frozen.advance(minutes=2)
    assert client.get("/home").status_code == 302


def test_the_session_cookie_flags(app, world):
    """HttpOnly and SameSite always; Secure when configured."""
    client = app.test_client()
    response = login(client, "lead@x.test")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


def test_the_cookie_is_secure_behind_https(database_url, tmp_path):
    """FORCE_HTTPS makes the cookie Secure and redirects plain http."""
    from portal import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      database_url, "FORCE_HTTPS": True, "SESSION_COOKIE_SECURE": True})
    client = app.test_client()
    assert client.get("/login").status_code == 302
    page = client.get("/login", base_url="https://localhost")
    assert "Secure" in page.headers["Set-Cookie"]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=315")  # a year
    with app.app_context():
        db.engine.dispose()
