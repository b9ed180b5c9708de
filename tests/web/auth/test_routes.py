"""Signing in and out."""

import pytest

from tests.conftest import csrf_from, login


def test_sign_in_and_out(client, world):
    """Good credentials reach the home page; signing out ends it."""
    response = login(client, "lead@x.test")
    assert response.status_code == 302
    home = client.get("/home").get_data(as_text=True)
    assert "Lee Lead" in home and "Implementation lead" in home
    token = csrf_from(home)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize(("email", "password"), [("lead@x.test", "wrong password"),
                                                 ("nobody@x.test", "correct horse battery")])
def test_bad_credentials_say_so_without_telling_which(client, world, email, password):
    """Wrong password and unknown email get the same message."""
    response = login(client, email, password)
    assert response.status_code == 400
    assert "do not match an account" in response.get_data(as_text=True)


def test_login_without_csrf_is_refused(client, world):
    """The sign-in form needs its token."""
    response = client.post("/login", data={"email": "lead@x.test",
                                           "password": "correct horse battery"})
    assert response.status_code == 400
    assert client.get("/home").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/links/"])
def test_next_stays_on_this_site(client, world, target):
    """?next= never leads off the site."""
    page = client.get("/login")
    response = client.post(f"/login?next={target}", data={
        "email": "lead@x.test", "password": "correct horse battery",
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    location = response.headers["Location"]
    assert "evil.example" not in location
    if target == "/links/":
        assert location.endswith("/links/")


def test_disabled_account_cannot_sign_in(client, world):
    """Inactive users are refused."""
    from portal.extensions import db

    world.users["therapist"].active = False
    db.session.commit()
    assert login(client, "therapist@x.test").status_code == 400
