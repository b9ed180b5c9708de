"""Request pages: scoping by URL, form post and export; proposals; conflicts; masking."""

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, SupplierRequest
from tests.adversarial_payloads import DROP, FORMULAS, IMG, SCRIPT, TEMPLATES
from tests.conftest import csrf_from, fresh, login
from tests.requests_helpers import LOGIN_FAULT, filed, other_vendor_user, therapist_feedback


def page_form(client, request_id: int) -> dict:
    """The CSRF token and version of a request's save form."""
    html = client.get(f"/requests/{request_id}").get_data(as_text=True)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', html)
    assert version, "no version in the form"
    return {"csrf_token": csrf_from(html), "version": version.group(1)}


def save(client, request_id: int, **data):
    """Post the save form from a freshly loaded page."""
    return client.post(f"/requests/{request_id}", data={**page_form(client, request_id), **data})


@pytest.mark.parametrize(("who", "visible"), [
    ("lead", True), ("admin", True), ("manager", True), ("therapist", True), ("vendor", True),
    ("other_manager", False), ("other_vendor", False)])
def test_a_request_is_404_outside_its_scope(client, world, who, visible):
    """By URL, form post and export: another vendor's or service's request does not exist."""
    other_vendor_user(world)
    request_id = filed(world).id
    login(client, world.users[who].email)
    status = 200 if visible else 404
    assert client.get(f"/requests/{request_id}").status_code == status
    assert client.get(f"/requests/{request_id}/export.csv").status_code == status
    token = csrf_from(client.get("/requests/").get_data(as_text=True)) \
        if not visible else page_form(client, request_id)["csrf_token"]
    post = client.post(f"/requests/{request_id}", data={
        "csrf_token": token, "version": "1", "status": "acknowledged", "comment": "mine now"})
    assert post.status_code in ((302, 400) if visible else (404,))
    listing = client.get("/requests/?view=all").get_data(as_text=True)
    assert (f"/requests/{request_id}\"" in listing) is visible
    export = client.get("/requests/export.csv").get_data(as_text=True)
    assert ("Login fails" in export) is visible
    if not visible:
        assert fresh().get(SupplierRequest, request_id).status == "new"


@pytest.mark.parametrize("who", ["manager", "vendor"])
def test_exports_defuse_formulas_and_keep_markup_as_text(client, world, who):
    """Titles and names a spreadsheet would run get an apostrophe; markup and SQL-like text
    come out as typed, in the list export and a request's own."""
    world.users["manager"].name = FORMULAS[1]  # the history names who acted
    db.session.commit()
    ids = [filed(world, title=title).id for title in FORMULAS]
    plain = filed(world, title=f"{SCRIPT} {IMG} {TEMPLATES} {DROP}").id
    login(client, world.users[who].email)
    exported = client.get("/requests/export.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    titles = {int(row[0]): row[2] for row in rows[1:]}
    assert [titles[i] for i in ids] == ["'" + formula for formula in FORMULAS]
    assert titles[plain] == f"{SCRIPT} {IMG} {TEMPLATES} {DROP}"
    one = list(csv.reader(io.StringIO(client.get(f"/requests/{ids[0]}/export.csv")
                                      .get_data(as_text=True))))
    assert one[1][2] == "'" + FORMULAS[0] and one[4][1] == "'" + FORMULAS[1]
    for row in rows + one:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row


def test_vendors_see_requests_de_identified(client, world):
    """The vendor's page, list and export show masked text; the manager's show it as written."""
    request_id = filed(world, title="Login fails for Olivia",
                       description="Olivia (olivia@example.org, 07700 900123) cannot sign in.").id
    login(client, "vendor@x.test")
    for path in (f"/requests/{request_id}", "/requests/", f"/requests/{request_id}/export.csv",
                 "/requests/export.csv"):
        text = client.get(path).get_data(as_text=True)
        assert "Olivia" not in text and "olivia@example.org" not in text and "07700" not in text
    page = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "[name] ([email], [phone]) cannot sign in." in page
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    login(client, "manager@x.test")
    assert "olivia@example.org" in client.get(f"/requests/{request_id}").get_data(as_text=True)


def test_feedback_becomes_a_proposal_the_manager_confirms(client, world):
    """The proposal is the service's until confirmed; then the vendor sees and is e-mailed."""
    therapist_feedback(world)
    proposal = fresh().scalar(select(SupplierRequest))
    assert (proposal.status, proposal.kind) == ("proposed", "bug")
    assert {s.theme for s in proposal.sources} >= {"tech_bugs"}
    login(client, "vendor@x.test")
    assert client.get(f"/requests/{proposal.id}").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/requests/").get_data(
        as_text=True))})
    login(client, "manager@x.test")
    listing = client.get("/requests/?view=proposals").get_data(as_text=True)
    assert "Proposals (1)" in listing and "rejecting my password" in listing
    assert fresh().scalar(select(OutboxMessage)) is None
    response = save(client, proposal.id, status="new", priority="high", kind="bug",
                    product_id=confirmed_product(world),
                    title="Bug report: password rejected at login", description=LOGIN_FAULT)
    assert response.status_code == 302
    confirmed = fresh().get(SupplierRequest, proposal.id)
    assert (confirmed.status, confirmed.priority, confirmed.filed_at is not None) == (
        "new", "high", True)
    mail = fresh().scalars(select(OutboxMessage)).all()
    assert [m.recipient for m in mail] == ["vendor@x.test"]
    assert LOGIN_FAULT not in mail[0].body and "password rejected" in mail[0].subject


def test_the_second_of_two_edits_is_told_and_loses_nothing(client, app, world):
    """Both load version 1; the vendor saves first; the manager's save is a 409 with her text."""
    request_id = filed(world).id
    manager = app.test_client()
    login(manager, "manager@x.test")
    stale = page_form(manager, request_id)
    login(client, "vendor@x.test")
    assert save(client, request_id, priority="urgent", status="acknowledged").status_code == 302
    typed = "Happens on every browser; screenshots attached to the ticket at IT."
    conflict = manager.post(f"/requests/{request_id}", data={
        **stale, "title": "Login fails on all browsers", "description": typed,
        "priority": "high", "kind": "bug", "comment": "Still broken this morning."})
    html = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Someone else saved this request" in html
    assert typed in html and "Login fails on all browsers" in html
    assert "Still broken this morning." in html
    assert "priority high → urgent" in html and "Status New → Acknowledged" in html
    unchanged = fresh().get(SupplierRequest, request_id)
    assert (unchanged.title, unchanged.priority, unchanged.comments) == (
        "Login fails", "urgent", [])
    again = manager.post(f"/requests/{request_id}", data={
        "csrf_token": csrf_from(html), "version": re.search(
            r'name="version" type="hidden" value="(\d+)"', html).group(1),
        "title": "Login fails on all browsers", "description": typed, "priority": "urgent",
        "kind": "bug", "comment": "Still broken this morning."})
    assert again.status_code == 302
    saved = fresh().get(SupplierRequest, request_id)
    assert saved.title == "Login fails on all browsers" and saved.description == typed
    assert [c.body for c in saved.comments] == ["Still broken this morning."]


def test_a_refused_transition_re_shows_the_form(client, world):
    """A service cannot acknowledge for the vendor: 400, the reason, the comment kept."""
    request_id = filed(world).id
    login(client, "manager@x.test")
    page = page_form(client, request_id)
    response = client.post(f"/requests/{request_id}", data={
        **page, "status": "acknowledged", "comment": "Please hurry", "title": "Login fails",
        "kind": "bug", "priority": "high"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not a valid choice" in html and "Please hurry" in html
    assert fresh().get(SupplierRequest, request_id).status == "new"


def test_the_vendor_triages_assigns_comments_and_resolves(client, world):
    """Acknowledge with an assignee, an internal note, then resolve; the history lists it all."""
    request_id = filed(world).id
    vendor = world.users["vendor"]
    login(client, "vendor@x.test")
    assert save(client, request_id, status="acknowledged", assignee_id=vendor.id,
                priority="high", comment="Looking into the auth service.",
                internal="y").status_code == 302
    assert save(client, request_id, status="resolved", priority="high",
                assignee_id=vendor.id, comment="Fixed in 4.2.1").status_code == 302
    done = fresh().get(SupplierRequest, request_id)
    assert (done.status, done.assignee_id) == ("resolved", vendor.id)
    assert [(c.shared, c.body) for c in done.comments] == [
        (False, "Looking into the auth service."), (True, "Fixed in 4.2.1")]
    client.post("/logout", data={"csrf_token": page_form(client, request_id)["csrf_token"]})
    login(client, "manager@x.test")
    html = client.get(f"/requests/{request_id}").get_data(as_text=True)
    assert "Looking into the auth service." not in html  # internal to the vendor
    assert "Fixed in 4.2.1" in html and "Status Acknowledged → Resolved" in html
    assert "Vic Vendor" in html


def test_a_duplicate_merges_into_the_original(client, world):
    """The vendor marks #2 a duplicate of #1; #1 gains #2's reporter."""
    first = filed(world).id
    second = filed(world, by="therapist", title="Cannot log in").id
    login(client, "vendor@x.test")
    missing = save(client, second, status="duplicate", priority="high")
    assert missing.status_code == 400 and "Give the number" in missing.get_data(as_text=True)
    assert save(client, second, status="duplicate", duplicate_of=first,
                priority="high").status_code == 302
    original = fresh().get(SupplierRequest, first)
    assert {r.user_id for r in original.reporters} == {world.users["manager"].id,
                                                        world.users["therapist"].id}
    assert fresh().get(SupplierRequest, second).duplicate_of_id == first


def test_filing_directly_with_bad_input_keeps_the_text(client, world):
    """A missing title is a 400 with the description kept; a good form files the request."""
    login(client, "therapist@x.test")
    page = client.get("/requests/new").get_data(as_text=True)
    product_id = re.search(r'<option selected value="(\d+)">', page) or re.search(
        r'<option value="(\d+)">Leeds', page)
    data = {"csrf_token": csrf_from(page), "product_id": product_id.group(1), "kind": "training",
            "priority": "normal", "title": "", "description": "New staff need onboarding"}
    response = client.post("/requests/new", data=data)
    assert response.status_code == 400 and "New staff need onboarding" in response.get_data(
        as_text=True)
    assert client.post("/requests/new", data={**data, "title": "Onboarding"}).status_code == 302
    assert fresh().scalar(select(SupplierRequest.title)) == "Onboarding"


def test_vendors_cannot_file_and_only_leads_read_the_outbox(client, world):
    """Filing is the services'; the outbox is for admins and leads."""
    login(client, "vendor@x.test")
    assert client.get("/requests/new").status_code == 403
    assert client.get("/requests/outbox").status_code == 403


def test_a_manager_switches_on_automatic_filing(client, world):
    """With auto-filing on, feedback files a request at once and the vendor is told."""
    login(client, "manager@x.test")
    page = client.get("/requests/?view=proposals").get_data(as_text=True)
    response = client.post(f"/requests/settings/{world.services['leeds'].id}",
                           data={"csrf_token": csrf_from(page), "auto_file": "y"})
    assert response.status_code == 302
    other = client.post(f"/requests/settings/{world.services['bristol'].id}",
                        data={"csrf_token": csrf_from(page), "auto_file": "y"})
    assert other.status_code == 404
    therapist_feedback(world)
    made = fresh().scalar(select(SupplierRequest))
    assert made.status == "new" and made.filed_at is not None
    assert fresh().scalar(select(OutboxMessage.recipient)) == "vendor@x.test"


def test_post_without_csrf_is_refused(client, world):
    """CSRF protects the save form."""
    request_id = filed(world).id
    login(client, "vendor@x.test")
    response = client.post(f"/requests/{request_id}", data={"version": "1",
                                                            "status": "acknowledged"})
    assert response.status_code == 400
    assert fresh().get(SupplierRequest, request_id).status == "new"


def confirmed_product(world) -> int:
    """Leeds's one product, as the proposal form offers it."""
    return world.services["leeds"].products[0].id


def test_the_training_plan_pages(client, world):
    """The vendor plans and schedules from the page; another vendor's request is a 404."""
    other_vendor_user(world)
    request_id = filed(world, kind="training", title="Onboarding").id
    theirs = filed(world, service="bristol", product_name="Thrive iCBT", by="other_manager",
                   kind="training", title="Thrive onboarding").id
    login(client, "vendor@x.test")
    page = client.get("/requests/training").get_data(as_text=True)
    assert "Onboarding" in page and "Thrive onboarding" not in page
    token = csrf_from(page)
    assert client.post(f"/requests/{theirs}/plan", data={
        "csrf_token": token, f"r{theirs}-topic": "x"}).status_code == 404
    assert client.post(f"/requests/{request_id}/plan", data={
        "csrf_token": token, f"r{request_id}-item_id": "",
        f"r{request_id}-topic": "Onboarding for new staff",
        f"r{request_id}-audience": "New therapists"}).status_code == 302
    item = fresh().get(SupplierRequest, request_id).training_item
    assert item.topic == "Onboarding for new staff"
    assert client.post(f"/requests/training/{item.id}", data={
        "csrf_token": token, "delivered_on": "2026-01-05"}).status_code == 302
    assert "2026-01-05" in client.get("/requests/training").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    login(client, "manager2@x.test")
    token = csrf_from(client.get("/requests/").get_data(as_text=True))
    assert client.post(f"/requests/training/{item.id}", data={
        "csrf_token": token, "delivered_on": "2026-01-06"}).status_code == 404
