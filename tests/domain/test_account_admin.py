"""An administrator's account changes: create, change role/scope/active, temporary password;
the rules, the audit events (never a password) and the sessions they end."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func, select

from portal.domain.account_admin import (
    AccountRefused,
    change_account,
    create_account,
    last_sign_ins,
    set_temporary_password,
)
from portal.domain.accounts import authenticate, change_password
from portal.extensions import db
from portal.models import AuditEvent, Role, User, UserSession
from tests.conftest import PASSWORD, fresh, login
from tests.web.auth.test_sessions import cookie, replay

NOW = datetime(2026, 3, 2, 9, 0)
TEMPORARY = "a temporary passphrase"


def events(action: str) -> list[AuditEvent]:
    """The audit events of one action, oldest first."""
    return list(fresh().scalars(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


def change(world, who: str, *, actor: str = "admin", **fields):
    """Change a person with their current values except those given; commit on success."""
    person = world.users[who]
    values = {"role": person.role, "service": person.service, "vendor": person.vendor,
              "active": person.active, **fields}
    changes = change_account(db.session, world.users[actor], person, now=NOW, **values)
    db.session.commit()
    return changes


def test_an_admin_creates_an_account_audited_without_the_password(world):
    """The account lands with its role and service; the event names role and scope only."""
    user = create_account(db.session, world.users["admin"], email=" New@X.test ",
                          name=" Nia New ", password=TEMPORARY, role=Role.THERAPIST,
                          service=world.services["leeds"])
    db.session.commit()
    assert (user.email, user.name, user.service.name) == ("new@x.test", "Nia New",
                                                         "Leeds Talking Therapies")
    [event] = events("user.created")
    assert event.actor_id == world.users["admin"].id and event.subject_id == user.id
    assert event.after == {"role": "therapist", "service_id": world.services["leeds"].id,
                           "vendor_id": None}
    assert TEMPORARY not in json.dumps([event.before, event.after])
    assert authenticate(db.session, "new@x.test", TEMPORARY).id == user.id


@pytest.mark.parametrize(("fields", "message"), [
    ({"role": Role.MANAGER}, "belongs to a service"),
    ({"role": Role.VENDOR}, "belongs to a vendor"),
    ({"role": Role.LEAD, "password": "short"}, "at least 10 characters"),
    ({"role": Role.LEAD, "email": "long.name@x.test", "password": "long.name@x.test"},
     "email address"),
    ({"role": Role.LEAD, "email": "no-at-sign"}, "needs an @"),
    ({"role": Role.LEAD, "email": "LEAD@x.test"}, "already an account"),
    ({"role": Role.LEAD, "name": "   "}, "name"),
])
def test_creation_refuses_what_create_user_refuses(world, fields, message):
    """Each refusal is an AccountRefused (a ValueError) that says what to fix; nothing lands."""
    before = fresh().scalar(select(func.count()).select_from(User))
    values = {"email": "x@x.test", "name": "X", "password": TEMPORARY, **fields}
    with pytest.raises(AccountRefused, match=message):
        create_account(db.session, world.users["admin"], **values)
    db.session.rollback()
    assert fresh().scalar(select(func.count()).select_from(User)) == before
    assert not events("user.created")


def test_a_role_from_another_scope_drops_what_it_does_not_use(world):
    """A lead given a service, as the form may send it, belongs to no service."""
    user = create_account(db.session, world.users["admin"], email="l2@x.test", name="L",
                          password=TEMPORARY, role=Role.LEAD, service=world.services["leeds"],
                          vendor=world.vendors["thrive"])
    assert user.service_id is None and user.vendor_id is None


def test_a_change_is_audited_with_the_changed_fields_only(world):
    """Moving a manager to Bristol names service_id before and after, nothing else."""
    manager = world.users["manager"]
    changes = change(world, "manager", service=world.services["bristol"])
    assert changes == {"service_id": (world.services["leeds"].id,
                                      world.services["bristol"].id)}
    [event] = events("user.changed")
    assert event.subject_id == manager.id and event.actor_id == world.users["admin"].id
    assert event.before == {"service_id": world.services["leeds"].id}
    assert event.after == {"service_id": world.services["bristol"].id}


def test_no_change_is_no_event(world):
    """Saving the same values writes nothing and ends no session."""
    start = fresh().scalar(select(func.count()).select_from(AuditEvent))
    assert change(world, "therapist") == {}
    assert fresh().scalar(select(func.count()).select_from(AuditEvent)) == start


def test_a_role_change_keeps_scope_consistent(world):
    """Vendor to therapist needs a service and drops the vendor; lead to vendor needs one."""
    with pytest.raises(AccountRefused, match="belongs to a service"):
        change(world, "vendor", role=Role.THERAPIST)
    db.session.rollback()
    with pytest.raises(AccountRefused, match="belongs to a vendor"):
        change(world, "lead", role=Role.VENDOR)
    db.session.rollback()
    changes = change(world, "vendor", role=Role.THERAPIST, service=world.services["leeds"])
    vendor = fresh().get(User, world.users["vendor"].id)
    assert (vendor.role, vendor.service_id, vendor.vendor_id) == (
        Role.THERAPIST, world.services["leeds"].id, None)
    assert set(changes) == {"role", "service_id", "vendor_id"}
    change(world, "manager", role=Role.LEAD, service=world.services["leeds"])
    manager = fresh().get(User, world.users["manager"].id)
    assert manager.role is Role.LEAD and manager.service_id is None


def test_an_admin_cannot_demote_or_disable_themselves(world):
    """With another admin present, still refused for one's own account; nothing changes."""
    create_account(db.session, None, email="admin2@x.test", name="Second", password=TEMPORARY,
                   role=Role.ADMIN)
    db.session.commit()
    with pytest.raises(AccountRefused, match="your own administrator role"):
        change(world, "admin", role=Role.LEAD)
    db.session.rollback()
    with pytest.raises(AccountRefused, match="cannot disable your own account"):
        change(world, "admin", active=False)
    db.session.rollback()
    admin = fresh().get(User, world.users["admin"].id)
    assert admin.role is Role.ADMIN and admin.active
    assert not events("user.changed")


def test_the_last_active_admin_stays(world):
    """Another admin may not demote or disable the only other active one; a disabled admin
    does not count, and once a second is active the first may go."""
    second = create_account(db.session, world.users["admin"], email="admin2@x.test",
                            name="Second", password=TEMPORARY, role=Role.ADMIN)
    db.session.commit()
    world.users["second"] = second
    change(world, "admin", actor="second", active=False)
    for fields in ({"active": False}, {"role": Role.LEAD}):
        with pytest.raises(AccountRefused, match="only active administrator"):
            # The disabled first admin cannot sign in; a script acting as them is refused too.
            change(world, "second", actor="admin", **fields)
        db.session.rollback()
    change(world, "admin", actor="second", active=True)
    change(world, "admin", actor="second", role=Role.LEAD)
    assert fresh().get(User, world.users["admin"].id).role is Role.LEAD


def test_designations_that_no_longer_fit_are_cleared(world):
    """A clinician moved to another service stops being one; a coder made a vendor stops
    coding; a coder moved between services keeps coding; disabling keeps designations."""
    therapist = world.users["therapist"]
    therapist.is_coder = therapist.is_clinician = True
    db.session.commit()
    change(world, "therapist", active=False)
    assert fresh().get(User, therapist.id).is_clinician
    change(world, "therapist", active=True, service=world.services["bristol"])
    moved = fresh().get(User, therapist.id)
    assert moved.is_coder and not moved.is_clinician
    [_, event] = events("user.changed")
    assert event.before == {"service_id": world.services["leeds"].id, "active": False,
                            "is_clinician": True}
    assert event.after == {"service_id": world.services["bristol"].id, "active": True,
                           "is_clinician": False}
    change(world, "therapist", role=Role.VENDOR, vendor=world.vendors["northlight"])
    assert not fresh().get(User, therapist.id).is_coder


def test_a_manager_made_therapist_is_no_clinician(world):
    """is_clinician fits only a therapist whose manager designated them: a role change ends
    it, even within the same service."""
    manager = world.users["manager"]
    manager.is_clinician = True
    db.session.commit()
    change(world, "manager", role=Role.THERAPIST)
    assert not fresh().get(User, manager.id).is_clinician


def sessions_of(user_id: int) -> list[UserSession]:
    """The person's session records."""
    return list(fresh().scalars(select(UserSession).where(UserSession.user_id == user_id)))


@pytest.mark.parametrize(("fields", "why"), [
    ({"role": Role.LEAD}, "account change"),
    ({"service": "bristol"}, "account change"),
    ({"active": False}, "disabled"),
])
def test_a_change_of_rights_ends_the_persons_sessions(app, client, world, fields, why):
    """A copied cookie of the person is refused at once after the change."""
    login(client, "therapist@x.test")
    copied = cookie(client)
    assert replay(app, copied).get("/home").status_code == 200
    if fields.get("service"):
        fields = {**fields, "service": world.services[fields["service"]]}
    change(world, "therapist", **fields)
    assert replay(app, copied).get("/home").status_code == 302
    assert client.get("/home").status_code == 302
    assert [s.ended_why for s in sessions_of(world.users["therapist"].id)] == [why]


def test_re_enabling_needs_a_new_sign_in_and_ends_nothing_else(app, client, world):
    """Turning an account back on does not revive its sessions; the person signs in again."""
    login(client, "therapist@x.test")
    copied = cookie(client)
    change(world, "therapist", active=False)
    change(world, "therapist", active=True)
    assert replay(app, copied).get("/home").status_code == 302
    assert login(app.test_client(), "therapist@x.test").status_code == 302


def test_a_temporary_password_replaces_the_old_and_ends_sessions(app, client, world):
    """The old password stops working, the new one works, copies of cookies are refused;
    the event says how many sessions ended and holds no password."""
    login(client, "therapist@x.test")
    copied = cookie(client)
    therapist = world.users["therapist"]
    assert set_temporary_password(db.session, world.users["admin"], therapist, TEMPORARY,
                                  NOW) == 1
    db.session.commit()
    assert replay(app, copied).get("/home").status_code == 302
    assert authenticate(db.session, "therapist@x.test", PASSWORD) is None
    assert authenticate(db.session, "therapist@x.test", TEMPORARY).id == therapist.id
    [event] = events("user.password_set")
    assert (event.actor_id, event.subject_id) == (world.users["admin"].id, therapist.id)
    assert event.after == {"sessions_ended": 1} and event.before is None
    assert TEMPORARY not in json.dumps(event.after)
    assert [s.ended_why for s in sessions_of(therapist.id)] == ["password set"]
    assert therapist.must_change_password  # the administrator knows it
    change_password(db.session, therapist, TEMPORARY, "The-Person's-Own-Phrase-9")
    assert not therapist.must_change_password


@pytest.mark.parametrize(("who", "password", "message"), [
    ("therapist", "short", "at least 10 characters"),
    ("therapist", "therapist@x.test", "email address"),
    ("admin", TEMPORARY, "Password page"),
])
def test_a_temporary_password_is_refused_when_it_breaks_a_rule(world, who, password, message):
    """Too short, the email, or one's own (which needs the current password): refused."""
    person = world.users[who]
    old = person.password_hash
    with pytest.raises(AccountRefused, match=message):
        set_temporary_password(db.session, world.users["admin"], person, password, NOW)
    db.session.rollback()
    assert fresh().get(User, person.id).password_hash == old
    assert not events("user.password_set")


def test_last_sign_ins_come_from_the_session_records(client, world):
    """The latest session start per person; no entry for someone who never signed in."""
    login(client, "lead@x.test")
    seen = last_sign_ins(fresh())
    assert world.users["lead"].id in seen and world.users["vendor"].id not in seen
