"""The clinician queue: scoping by URL and POST, audit of raw-text views, nav count."""

import pytest
from sqlalchemy import select

from portal.domain.safety import NOTE_CHARS
from portal.extensions import db
from portal.models import AuditEvent, RiskFlag
from tests.conftest import csrf_from, fresh, login
from tests.domain.test_safety import RISKY, patient
from tests.requests_helpers import other_vendor_user


def flagged(world) -> int:
    """A patient answer flagged in Leeds; its flag id."""
    patient(world, hindered=RISKY)
    return db.session.scalar(select(RiskFlag.id))


@pytest.mark.parametrize(("who", "status"), [
    ("manager", 200), ("clinician", 200), ("other_manager", 404), ("therapist", 403),
    ("vendor", 403), ("other_vendor", 403), ("lead", 403), ("admin", 403)])
def test_a_flag_is_seen_only_by_its_service_reviewers(client, world, who, status):
    """Another service's manager gets 404 by URL and POST; non-reviewers get 403."""
    other_vendor_user(world)
    if who == "clinician":
        world.users["therapist"].is_clinician = True
        db.session.commit()
    flag_id = flagged(world)
    email = world.users["therapist" if who == "clinician" else who].email
    login(client, email)
    page = client.get(f"/safety/{flag_id}")
    assert page.status_code == status
    assert ("hurting myself again" in page.get_data(as_text=True)) is (status == 200)
    token = csrf_from(client.get("/requests/").get_data(as_text=True))
    post = client.post(f"/safety/{flag_id}", data={"csrf_token": token, "status": "closed",
                                                   "note": "done"})
    assert post.status_code == (302 if status == 200 else status)
    listing = client.get("/safety/?view=closed")  # the POST above closed it
    assert listing.status_code == (200 if status in (200, 404) else 403)
    assert (f"/safety/{flag_id}\"" in listing.get_data(as_text=True)) is (status == 200)
    views = fresh().scalars(select(AuditEvent).where(AuditEvent.action == "risk.view_text"))
    assert len(list(views)) == (1 if status == 200 else 0)


def test_acknowledge_close_and_nav_count(client, world):
    """The nav counts open flags; acknowledging clears the count; closing needs a note."""
    flag_id = flagged(world)
    login(client, "manager@x.test")
    assert "(1 open)" in client.get("/safety/").get_data(as_text=True)
    html = client.get(f"/safety/{flag_id}").get_data(as_text=True)
    token = csrf_from(html)
    assert client.post(f"/safety/{flag_id}", data={"csrf_token": token,
                                                   "status": "acknowledged"}).status_code == 302
    assert "(1 open)" not in client.get("/safety/").get_data(as_text=True)
    refused = client.post(f"/safety/{flag_id}", data={"csrf_token": token, "status": "closed"})
    assert refused.status_code == 400
    assert client.post(f"/safety/{flag_id}", data={"status": "closed",
                                                   "note": "x"}).status_code == 400  # no CSRF
    client.post(f"/safety/{flag_id}", data={"csrf_token": token, "status": "closed",
                                            "note": "Called the service's duty line."})
    flag = fresh().get(RiskFlag, flag_id)
    assert flag.status == "closed" and "duty line" in flag.note
    actions = [e.action for e in fresh().scalars(select(AuditEvent).where(
        AuditEvent.action.like("risk.%")).order_by(AuditEvent.id))]
    # Shown on opening and again with the refused close: each showing is audited.
    assert actions == ["risk.view_text", "risk.acknowledged", "risk.view_text", "risk.closed"]


@pytest.mark.parametrize(("note", "kept"), [
    ("Rang the GP; \x00will call back at 4.", "Rang the GP; will call back at 4."),
    ("Rang the GP. " + "x" * NOTE_CHARS, "Rang the GP. xxx"),
])
def test_a_refused_change_shows_the_note_again_and_stores_nothing(client, world, note, kept):
    """A NUL or an overlong note: 400, the typed note back in the box, the flag unchanged."""
    flag_id = flagged(world)
    login(client, "manager@x.test")
    token = csrf_from(client.get(f"/safety/{flag_id}").get_data(as_text=True))
    page = client.post(f"/safety/{flag_id}", data={"csrf_token": token,
                                                   "status": "acknowledged", "note": note})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert kept in html and "\x00" not in html and 'class="error-summary' in html
    flag = fresh().get(RiskFlag, flag_id)
    assert flag.status == "open" and not flag.note


def test_a_manager_designates_a_clinician(client, world):
    """The designation form works for the own service and 404s for another service's staff."""
    login(client, "manager@x.test")
    token = csrf_from(client.get("/safety/").get_data(as_text=True))
    therapist = world.users["therapist"].id
    assert client.post(f"/safety/clinicians/{therapist}",
                       data={"csrf_token": token, "designate": "1"}).status_code == 302
    assert fresh().get(type(world.users["therapist"]), therapist).is_clinician
    assert client.post(f"/safety/clinicians/{world.users['other_manager'].id}",
                       data={"csrf_token": token, "designate": "1"}).status_code == 404


def test_the_confirmation_page_says_where_to_get_urgent_help(client, world):
    """A patient's thanks page: not watched around the clock; UK and Finland numbers."""
    reference = patient(world, hindered=RISKY).reference
    text = client.get(f"/thanks/{reference}").get_data(as_text=True)
    for needed in ("not watched around the clock", "999", "NHS 111", "116 123", "112",
                   "116 117", "09 2525 0111"):
        assert needed in text
