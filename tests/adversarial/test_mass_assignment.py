"""Extra fields on every form that creates or changes something (role, is_admin, is_clinician,
service_id, vendor_id, user_id, status, created_by...) have no effect: no account changes
role or scope, and nothing new lands in another service or vendor or under another person.
Where a form offers a choice of service, product or person, another tenant's is refused."""

import pytest
from sqlalchemy import select

from portal.domain.accounts import create_user
from portal.extensions import db
from portal.models import Invitation, Product, Role, SupplierRequest, User
from tests.adversarial.helpers import (
    DASH_CALLBACK,
    changed_tables,
    dump,
    finish_jobs,
    post_target,
    state_changing_rules,
)
from tests.conftest import PASSWORD, fresh

# Columns a route may change on an account, because changing them is what it is for.
OWN_CHANGE = {"coding.toggle_coder": {"is_coder"}, "safety.designate": {"is_clinician"},
              "auth.password": {"password_hash"}, "people.change": {"active"},
              "people.password": {"password_hash", "must_change_password"}}
# Routes that make an account, with the columns its body asks for: the extras (role admin,
# designations, another email) must not reach the new account.
NEW_ACCOUNT = {"people.new": {"email": "newcomer@x.test", "role": "therapist",
                              "is_coder": False, "is_clinician": False, "vendor_id": None}}
# Columns naming who made a row: a new row must name the person signed in (or nobody).
AUTHOR_COLUMNS = {"created_by_id", "user_id", "actor_id", "acknowledged_by_id",
                  "closed_by_id"}


def extras(arsenal) -> dict:
    """Fields no form has, each trying to widen what the request may do."""
    users, other = arsenal.world.users, arsenal.world.users["other_manager"]
    return {"role": "admin", "is_admin": "1", "is_clinician": "1", "is_coder": "1",
            "active": "1", "service_id": str(arsenal.bristol), "service": str(arsenal.bristol),
            "vendor_id": str(arsenal.world.vendors["thrive"].id), "user_id": str(other.id),
            "created_by": str(users["admin"].id), "created_by_id": str(other.id),
            "actor_id": str(other.id), "status": "resolved", "id": "999999",
            "email": "owned@evil.test", "reference": "AAAA-BBBB-CCCC", "uses": "0"}


def named_dump() -> dict[str, dict]:
    """Every row of every table as a dict of columns, keyed by primary key."""
    session = fresh()
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = session.execute(select(table)).mappings().all()
        tables[table.name] = {tuple(row[c.name] for c in table.primary_key.columns): dict(row)
                              for row in rows}
    session.rollback()
    return tables


def effects(before: dict, after: dict, endpoint: str, actor: User | None,
            arsenal) -> list[str]:
    """What the extra fields achieved: account changes, rows in Bristol/Thrive, authorship."""
    found = []
    for key, row in after["users"].items():
        if key not in before["users"] and endpoint in NEW_ACCOUNT:
            wrong = sorted(c for c, v in NEW_ACCOUNT[endpoint].items() if row[c] != v)
            if wrong:
                found.append(f"new user {key}: {wrong}")
            continue
        old = before["users"].get(key, {})
        changed = {c for c in row if row[c] != old.get(c)} - OWN_CHANGE.get(endpoint, set())
        if changed:
            found.append(f"user {key}: {sorted(changed)}")
    for name, rows in after.items():
        for key, row in rows.items():
            if key in before[name]:
                old = before[name][key]
                if "service_id" in row and row["service_id"] != old.get("service_id"):
                    found.append(f"{name} {key} moved service")
                continue
            if row.get("service_id") == arsenal.bristol:
                found.append(f"new {name} row in Bristol")
            if row.get("vendor_id") == arsenal.world.vendors["thrive"].id:
                found.append(f"new {name} row for Thrive")
            for column in AUTHOR_COLUMNS & set(row):
                if row[column] not in (None, actor.id if actor else None):
                    found.append(f"new {name} row with {column}={row[column]}")
    statuses = {k: r["status"] for k, r in after["supplier_requests"].items()}
    if "resolved" in statuses.values():
        found.append("a request became resolved")
    return found


def test_extra_fields_on_every_form_have_no_effect(app, arsenal, clients):
    """Each form route with its real fields plus the extras: no extra field is honoured."""
    failures = []
    for rule in state_changing_rules(app):
        if rule.rule == DASH_CALLBACK or rule.endpoint == "auth.logout":
            continue  # logout takes no fields and writes nothing but its own session's end
        who, url, data = post_target(rule.endpoint, arsenal)
        client = clients(who)
        body = {**extras(arsenal), **data, "csrf_token": clients.token(who)}
        if rule.endpoint == "auth.login":
            body["csrf_token"] = clients.token(None)
        if "status" in data:
            body["status"] = data["status"]  # a real field there: keep the legitimate value
        actor = fresh().get(User, arsenal.world.users[who].id) if who else None
        before = named_dump()
        response = client.post(url, data=body)
        finish_jobs(arsenal)
        after = named_dump()
        found = effects(before, after, rule.endpoint, actor, arsenal)
        if response.status_code >= 500 or found:
            failures.append((rule.endpoint, response.status_code, found))
    assert not failures, failures


@pytest.fixture
def manager(clients):
    """The Leeds manager's client and a CSRF token of its session."""
    return clients("manager"), clients.token("manager")


def test_a_manager_cannot_make_a_link_for_another_service(arsenal, manager):
    """The service select offers only the manager's own service; Bristol is a form error."""
    client, token = manager
    before = dump()
    response = client.post("/links/new", data={
        "csrf_token": token, "service_id": arsenal.bristol, "label": "Bristol lobby",
        "instrument_id": arsenal.world.instruments["patient"].id, "days_valid": "30",
        "max_uses": "10"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert not changed_tables(before, dump())
    assert fresh().scalar(select(Invitation).where(Invitation.label == "Bristol lobby")) is None


def test_a_manager_cannot_file_about_another_services_product(arsenal, manager):
    """Thrive iCBT is Bristol's product: not a choice for the Leeds manager."""
    client, token = manager
    thrive = fresh().scalar(select(Product.id).where(Product.name == "Thrive iCBT"))
    before = dump()
    response = client.post("/requests/new", data={
        "csrf_token": token, "product_id": thrive, "kind": "bug", "priority": "normal",
        "title": "Cross-service", "description": "x"})
    assert response.status_code == 400
    assert not changed_tables(before, dump())


def test_a_manager_cannot_designate_another_services_therapist(app, arsenal, manager):
    """A Bristol therapist is not the Leeds manager's to designate: 404, unchanged."""
    client, token = manager
    stranger = create_user(db.session, email="bt@x.test", name="Bea Bristol", password=PASSWORD,
                           role=Role.THERAPIST, service=arsenal.world.services["bristol"])
    db.session.commit()
    before = dump()
    for url in (f"/safety/clinicians/{stranger.id}",):
        assert client.post(url, data={"csrf_token": token, "designate": "1"}).status_code \
            == 404
    assert not changed_tables(before, dump())


def test_a_request_cannot_be_moved_to_another_services_product_or_assignee(arsenal, clients):
    """On a Leeds request, Bristol's product and Thrive's representative are refused."""
    from tests.requests_helpers import other_vendor_user

    thrive_rep = other_vendor_user(arsenal.world)
    thrive = fresh().scalar(select(Product.id).where(Product.name == "Thrive iCBT"))
    tokens = {who: clients.token(who) for who in ("manager", "vendor")}  # sign-ins write
    before = dump()
    for who, field, value in (("manager", "product_id", thrive),
                              ("vendor", "assignee_id", thrive_rep.id)):
        response = clients(who).post(f"/requests/{arsenal.request}", data={
            "csrf_token": tokens[who], "version": "1", field: value})
        assert response.status_code in (400, 404), (who, response.status_code)
    assert not changed_tables(before, dump())
    item = fresh().get(SupplierRequest, arsenal.request)
    assert item.assignee_id is None and item.service_id == arsenal.leeds


def test_a_lead_cannot_draw_a_sample_for_a_vendor(arsenal, clients):
    """Coders are chosen from coders; a vendor's id is not a valid choice."""
    token = clients.token("lead")  # the sign-in writes
    before = dump()
    response = clients("lead").post("/coding/icbt-implementation/samples/new", data={
        "csrf_token": token, "name": "Leaky",
        "first_coder": arsenal.world.users["vendor"].id,
        "second_coder": arsenal.world.users["lead"].id, "size": "1"})
    assert response.status_code == 400
    assert not changed_tables(before, dump())
