"""The audit page: administrators only, filters, pages, escaping."""

from datetime import datetime

import pytest

from portal.domain.audit import record
from portal.extensions import db
from portal.models import AuditEvent
from tests.conftest import login

URL = "/audit/"


@pytest.mark.parametrize("who", ["lead", "manager", "other_manager", "therapist", "vendor"])
def test_only_administrators_read_it(client, world, who):
    """Everyone else is refused, and the nav does not offer it."""
    login(client, f"{world.users[who].email}")
    assert client.get(URL).status_code == 403
    assert "Audit trail" not in client.get("/home").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    """No session: the sign-in page."""
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_sign_ins_and_failures_are_listed(client, world):
    """A failed and a good sign-in appear, newest first, without the typed password."""
    login(client, "lead@x.test", "my-secret-guess")
    login(client, "admin@x.test")
    page = client.get(URL).get_data(as_text=True)
    assert "auth.login_failed" in page and "auth.login" in page
    assert page.index("auth.login<") < page.index("auth.login_failed")
    assert "my-secret-guess" not in page


@pytest.fixture
def events(world):
    """Three events by two people on two days, one with markup in a label."""
    lead, admin = world.users["lead"], world.users["admin"]
    for when, actor, action, after in [
        (datetime(2026, 1, 5, 10), lead, "theme.rename", {"label": "<script>alert(1)</script>"}),
        (datetime(2026, 1, 6, 23, 59), admin, "user.coder", {"is_coder": True}),
        (datetime(2026, 1, 7, 0, 0), lead, "user.coder", {"is_coder": False}),
    ]:
        record(db.session, actor, action, "user", actor.id, after=after).at = when
    db.session.commit()
    return world


def rows(client, query: str = "") -> int:
    """How many events the page says match."""
    page = client.get(URL + query)
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    return int(text.split('id="audit-count">', 1)[1].split(" ", 1)[0])


def test_filters(client, events):
    """By actor, action and inclusive dates; combined."""
    login(client, "admin@x.test")
    lead, admin = events.users["lead"].id, events.users["admin"].id
    assert rows(client, f"?actor={lead}") == 2
    assert rows(client, "?action=user.coder") == 2
    assert rows(client, "?since=2026-01-06&until=2026-01-06") == 1
    assert rows(client, f"?actor={admin}&action=user.coder&until=2026-01-06") == 1
    assert rows(client, "?since=2026-01-05&until=2026-01-07") == 3
    assert rows(client, "?actor=none&action=user.coder") == 0


def test_user_text_is_escaped(client, events):
    """A label with markup is shown as text."""
    login(client, "admin@x.test")
    page = client.get(URL + "?action=theme.rename").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("query", ["?since=yesterday", "?actor=999999", "?action=<b>",
                                   "?page=0", "?page=abc",
                                   "?since=2026-02-01&until=2026-01-01"])
def test_bad_filters_are_explained_not_500(client, events, query):
    """Nonsense in the query string is a 400 with the form, never a 500."""
    login(client, "admin@x.test")
    response = client.get(URL + query)
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert "<b>" not in response.get_data(as_text=True).split("</form>")[0].split("<form")[1] \
        or "&lt;b&gt;" in response.get_data(as_text=True)


def test_pages(client, events, monkeypatch):
    """Pages hold PER_PAGE events and link on, keeping the filters."""
    monkeypatch.setattr("portal.web.audit.routes.PER_PAGE", 1)
    login(client, "admin@x.test")
    first = client.get(URL + "?action=user.coder").get_data(as_text=True)
    assert "page 1 of 2" in first
    assert "action=user.coder" in first.split('rel="next"')[1].split(">")[0]
    second = client.get(URL + "?action=user.coder&page=2").get_data(as_text=True)
    assert "page 2 of 2" in second
    assert db.session.query(AuditEvent).count() >= 3
