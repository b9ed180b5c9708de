"""The People pages: administrators only; create, change and reset accounts, audited, with
text kept on a refusal and nothing half stored."""

import json
import logging

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, LoginFailure, Role, User
from tests.conftest import PASSWORD, csrf_from, fresh, login
from tests.web.auth.test_sessions import cookie, replay

TEMPORARY = "Temporary-Lantern-4821"


@pytest.fixture
def admin(client, world):
    """The client signed in as the administrator."""
    assert login(client, "admin@x.test").status_code == 302
    return client


def token(client, url: str = "/people/new") -> str:
    """A CSRF token from one of the pages."""
    return csrf_from(client.get(url).get_data(as_text=True))


def new_account(**fields) -> dict:
    """A complete new-account form, with some fields replaced."""
    return {"name": "Nia New", "email": "nia@x.test", "role": "therapist", "service_id": "",
            "vendor_id": "", "password": TEMPORARY, "confirm": TEMPORARY, **fields}


def scope(world, who: str, **fields) -> dict:
    """The change form as the person's page would send it, with some fields replaced."""
    person = world.users[who]
    return {"role": person.role.value, "service_id": person.service_id or "",
            "vendor_id": person.vendor_id or "", "active": "y" if person.active else "",
            **fields}


def stored(user_id: int) -> User:
    """The account as committed (a sign-in's commit may have left a stale copy in the map)."""
    session = fresh()
    session.expire_all()
    return session.get(User, user_id)


def count(model) -> int:
    """Rows of a table as committed."""
    return fresh().scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("who", ["lead", "manager", "other_manager", "therapist", "vendor"])
def test_only_administrators_reach_any_people_page(client, world, who):
    """Every page and form is 403 for everyone else, with a good token; nothing changes, and
    the nav does not offer the pages."""
    login(client, world.users[who].email)
    therapist = world.users["therapist"].id
    for url in ("/people/", "/people/new", f"/people/{therapist}", "/people/987654"):
        assert client.get(url).status_code == 403, url
    good = csrf_from(client.get("/account/password").get_data(as_text=True))
    events = count(AuditEvent)
    for url, data in (("/people/new", new_account()),
                      (f"/people/{therapist}", scope(world, "therapist", role="admin")),
                      (f"/people/{world.users[who].id}", scope(world, who, role="admin")),
                      (f"/people/{therapist}/password",
                       {"password": TEMPORARY, "confirm": TEMPORARY})):
        assert client.post(url, data={**data, "csrf_token": good}).status_code == 403, url
    assert count(AuditEvent) == events and count(User) == 6
    assert stored(world.users[who].id).role is world.users[who].role
    assert 'href="/people/"' not in client.get("/home").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    """No session: the sign-in page; a form post is refused (no token) and stores nothing."""
    response = client.get("/people/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/people/new", data=new_account()).status_code == 400
    assert count(User) == 6


def test_an_unknown_account_is_404(admin, world):
    """An id with no account: 404 on the page and on both forms."""
    good = token(admin)
    assert admin.get("/people/987654").status_code == 404
    for url in ("/people/987654", "/people/987654/password"):
        assert admin.post(url, data={**new_account(), "active": "y",
                                     "csrf_token": good}).status_code == 404


def test_the_list_shows_everyone_and_filters(admin, world):
    """Names, emails, roles, scope, designations and sign-ins; filters by role and active."""
    therapist = world.users["therapist"]
    therapist.is_coder = True
    world.users["vendor"].active = False
    db.session.commit()
    page = admin.get("/people/").get_data(as_text=True)
    assert 'id="people-count">6 accounts' in page
    for text in ("Tess Therapist", "therapist@x.test", "Leeds Talking Therapies",
                 "Northlight Health (vendor)", "Coder", "disabled", "Never",
                 'href="/people/"'):
        assert text in page, text
    assert admin.get("/people/?role=therapist").get_data(as_text=True).count(
        "@x.test</td>") == 1
    disabled = admin.get("/people/?active=no").get_data(as_text=True)
    assert "Vic Vendor" in disabled and 'id="people-count">1 account.' in disabled
    assert "Vic Vendor" not in admin.get("/people/?active=yes").get_data(as_text=True)
    assert admin.get("/people/?role=king").status_code == 400


def test_an_admin_creates_an_account_and_it_signs_in(app, admin, world):
    """The journey: the form, the account, the audit event (no password), a sign-in."""
    leeds = world.services["leeds"].id
    response = admin.post("/people/new", data={
        **new_account(service_id=leeds, vendor_id=world.vendors["thrive"].id),
        "csrf_token": token(admin)})
    assert response.status_code == 302
    person = fresh().scalar(select(User).where(User.email == "nia@x.test"))
    assert response.headers["Location"].endswith(f"/people/{person.id}")
    assert (person.role, person.service_id, person.vendor_id) == (Role.THERAPIST, leeds, None)
    page = admin.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Created an account for Nia New" in page and "user.created" in page
    event = fresh().scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.actor_id == world.users["admin"].id
    assert TEMPORARY not in json.dumps([event.before, event.after])
    nia = app.test_client()
    assert login(nia, "nia@x.test", TEMPORARY).status_code == 302
    assert person.must_change_password  # the administrator chose it
    assert nia.get("/home").location.endswith("/account/password")


@pytest.mark.parametrize(("fields", "message"), [
    ({"role": "manager"}, "belongs to a service"),
    ({"role": "vendor"}, "belongs to a vendor"),
    ({"email": "LEAD@x.test", "role": "lead"}, "already an account for lead@x.test"),
    ({"password": "short", "confirm": "short", "role": "lead"}, "at least 10 characters"),
    ({"confirm": "something else", "role": "lead"}, "The two passwords differ"),
    ({"name": "", "role": "lead"}, "Give the person"),
    ({"role": "emperor"}, "Not a valid choice"),
    ({"role": ""}, "Choose a role"),
    ({"service_id": "987654"}, "Not a valid choice"),
])
def test_a_refused_new_account_keeps_the_text_and_stores_nothing(admin, world, fields,
                                                                  message):
    """400, the problem named, name and email typed back, no account, no event."""
    users, events = count(User), count(AuditEvent)
    data = new_account(**{"name": "Ola <b>Ó</b>", **fields})
    response = admin.post("/people/new", data={**data, "csrf_token": token(admin)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    if data["name"]:
        assert "Ola &lt;b&gt;Ó&lt;/b&gt;" in html and "<b>Ó</b>" not in html
    assert data["email"] in html and TEMPORARY not in html
    assert (count(User), count(AuditEvent)) == (users, events)


def test_a_role_change_applies_at_once_and_is_audited(app, admin, world):
    """Therapist to Bristol's manager: saved, audited before/after, her cookie refused."""
    therapist = world.users["therapist"]
    victim = app.test_client()
    login(victim, "therapist@x.test")
    copied = cookie(victim)
    url = f"/people/{therapist.id}"
    bristol = world.services["bristol"].id
    response = admin.post(url, data={**scope(world, "therapist", role="manager",
                                             service_id=bristol), "csrf_token": token(admin)})
    assert response.status_code == 302
    assert "signed out everywhere" in admin.get(url).get_data(as_text=True)
    person = stored(therapist.id)
    assert (person.role, person.service_id) == (Role.MANAGER, bristol)
    event = fresh().scalar(select(AuditEvent).where(AuditEvent.action == "user.changed"))
    assert event.before == {"role": "therapist", "service_id": world.services["leeds"].id}
    assert event.after == {"role": "manager", "service_id": bristol}
    assert replay(app, copied).get("/home").status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "user.changed" in page and f"/audit/?actor={therapist.id}" in page


def test_disabling_signs_the_person_out_and_refuses_sign_in(app, admin, world):
    """An unticked box disables; the person's session dies and sign-in fails."""
    victim = app.test_client()
    login(victim, "vendor@x.test")
    response = admin.post(f"/people/{world.users['vendor'].id}", data={
        **scope(world, "vendor", active=""), "csrf_token": token(admin)})
    assert response.status_code == 302
    assert victim.get("/home").status_code == 302
    assert login(app.test_client(), "vendor@x.test").status_code == 400
    assert not stored(world.users["vendor"].id).active


def test_saving_unchanged_values_records_nothing(admin, world):
    """The form sent back as shown: no event, a message saying so."""
    events = count(AuditEvent)
    url = f"/people/{world.users['manager'].id}"
    response = admin.post(url, data={**scope(world, "manager"), "csrf_token": token(admin)})
    assert response.status_code == 302 and count(AuditEvent) == events
    assert "Nothing to change" in admin.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("who", "fields", "message"), [
    ("admin", {"role": "lead"}, "your own administrator role"),
    ("admin", {"active": ""}, "disable your own account"),
    ("vendor", {"role": "therapist", "vendor_id": ""}, "belongs to a service"),
    ("therapist", {"service_id": ""}, "belongs to a service"),
    ("therapist", {"service_id": "987654"}, "Not a valid choice"),
    ("therapist", {"role": "root"}, "Not a valid choice"),
])
def test_a_refused_change_changes_nothing(admin, world, who, fields, message):
    """400 with the reason on the page and the choices kept; no column and no event moved."""
    person = world.users[who]
    before = (person.role, person.service_id, person.vendor_id, person.active)
    events = count(AuditEvent)
    response = admin.post(f"/people/{person.id}", data={**scope(world, who, **fields),
                                                         "csrf_token": token(admin)})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    after = stored(person.id)
    assert (after.role, after.service_id, after.vendor_id, after.active) == before
    assert count(AuditEvent) == events
    if fields.get("role") == "therapist":
        assert '<option selected value="therapist">' in html


def test_a_second_admin_can_be_disabled_but_the_last_one_stays(app, admin, world):
    """The admin disables another admin, who can then not sign in; left the only active
    one, the admin still cannot disable themselves."""
    db.session.add(User(email="admin2@x.test", name="Second Admin", role=Role.ADMIN,
                        password_hash=world.users["admin"].password_hash))
    db.session.commit()
    second = fresh().scalar(select(User).where(User.email == "admin2@x.test"))
    response = admin.post(f"/people/{second.id}", data={
        "role": "admin", "service_id": "", "vendor_id": "", "active": "",
        "csrf_token": token(admin)})
    assert response.status_code == 302
    assert login(app.test_client(), "admin2@x.test").status_code == 400
    response = admin.post(f"/people/{world.users['admin'].id}", data={
        **scope(world, "admin", active=""), "csrf_token": token(admin)})
    assert response.status_code == 400
    assert stored(world.users["admin"].id).active


def test_a_temporary_password_ends_sessions_lifts_the_lockout_and_is_never_shown(
        app, admin, world, caplog):
    """The person's copied cookie dies, a lockout lifts, the new password signs in; neither
    the page, the logs nor the audit trail hold it."""
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 2
    victim = app.test_client()
    login(victim, "therapist@x.test")
    copied = cookie(victim)
    for _ in range(3):
        login(app.test_client(), "therapist@x.test", "wrong guess 1234")
    assert count(LoginFailure) > 0
    caplog.set_level(logging.DEBUG)
    url = f"/people/{world.users['therapist'].id}"
    response = admin.post(url + "/password", data={
        "password": TEMPORARY, "confirm": TEMPORARY, "csrf_token": token(admin, url)})
    assert response.status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "temporary password; 1 session ended" in page and TEMPORARY not in page
    assert replay(app, copied).get("/home").status_code == 302
    assert login(app.test_client(), "therapist@x.test", TEMPORARY).status_code == 302
    assert login(app.test_client(), "therapist@x.test", PASSWORD).status_code == 400
    events = fresh().scalars(select(AuditEvent)).all()
    assert "user.password_set" in {e.action for e in events}
    assert TEMPORARY not in json.dumps([[e.before, e.after] for e in events])
    assert TEMPORARY not in caplog.text


@pytest.mark.parametrize(("fields", "message"), [
    ({"password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"password": "therapist@x.test", "confirm": "therapist@x.test"}, "email address"),
    ({"password": TEMPORARY, "confirm": TEMPORARY + "!"}, "The two passwords differ"),
])
def test_a_refused_temporary_password_changes_nothing(app, admin, world, fields, message):
    """400 with the reason beside the field; the old password still works, no event."""
    url = f"/people/{world.users['therapist'].id}"
    events = count(AuditEvent)
    response = admin.post(url + "/password", data={**fields, "csrf_token": token(admin, url)})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(AuditEvent) == events
    assert login(app.test_client(), "therapist@x.test").status_code == 302


def test_an_admin_sets_their_own_password_on_the_password_page(admin, world):
    """Not here: the own page offers no temporary-password form and the post is refused."""
    url = f"/people/{world.users['admin'].id}"
    assert 'id="password-form"' not in admin.get(url).get_data(as_text=True)
    response = admin.post(url + "/password", data={
        "password": TEMPORARY, "confirm": TEMPORARY, "csrf_token": token(admin, url)})
    assert response.status_code == 400 and "Password page" in response.get_data(as_text=True)


def test_forms_need_a_token_of_this_session(admin, world):
    """No CSRF token: 400 and nothing stored, for all three forms."""
    therapist = world.users["therapist"].id
    users, events = count(User), count(AuditEvent)
    for url, data in (("/people/new", new_account()),
                      (f"/people/{therapist}", scope(world, "therapist", active="")),
                      (f"/people/{therapist}/password",
                       {"password": TEMPORARY, "confirm": TEMPORARY})):
        assert admin.post(url, data=data).status_code == 400
    assert (count(User), count(AuditEvent)) == (users, events)


def test_names_with_markup_are_escaped(admin, world):
    """A name holding markup shows as text on the list and the account's page."""
    world.users["therapist"].name = '<script>alert("x")</script>'
    db.session.commit()
    for url in ("/people/", f"/people/{world.users['therapist'].id}"):
        html = admin.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_a_temporary_password_must_be_replaced_before_anything_else(app, admin, world):
    """Signed in with it, the person reaches only the password page (and sign-out) until they
    choose their own; then the portal opens as usual."""
    url = f"/people/{world.users['therapist'].id}"
    admin.post(url + "/password", data={"password": TEMPORARY, "confirm": TEMPORARY,
                                        "csrf_token": token(admin, url)})
    assert stored(world.users["therapist"].id).must_change_password
    person = app.test_client()
    login(person, "therapist@x.test", TEMPORARY)
    for path in ("/home", "/requests/", "/dash/", "/me/submissions"):
        sent = person.get(path)
        assert sent.status_code == 302 and sent.location.endswith("/account/password"), path
    page = person.get("/account/password", follow_redirects=True).get_data(as_text=True)
    assert "Choose your own password" in page
    own = "My-Own-Quieter-Phrase-77"
    changed = person.post("/account/password", data={
        "current": TEMPORARY, "new": own, "confirm": own,
        "csrf_token": csrf_from(page)})
    assert changed.status_code == 302
    assert not stored(world.users["therapist"].id).must_change_password
    assert person.get("/requests/").status_code == 200
