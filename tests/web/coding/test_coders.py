"""Designating coders: leads and admins only, every change audited."""

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, User
from tests.conftest import csrf_from, fresh, login
from tests.web.coding.helpers import signed_in


def toggle(client, user_id: int, designate: str):
    """Send the designate/undesignate button for one person."""
    html = client.get("/coding/coders").get_data(as_text=True)
    return client.post(f"/coding/coders/{user_id}",
                       data={"csrf_token": csrf_from(html), "designate": designate})


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_leads_designate_and_undesignate_coders(client, world, who):
    """The therapist becomes a coder and then stops; each change is one audit row."""
    login(client, world.users[who].email)
    therapist = world.users["therapist"]
    response = toggle(client, therapist.id, "1")
    assert response.status_code == 302
    assert fresh().get_one(User, therapist.id).is_coder is True
    toggle(client, therapist.id, "1")  # sent twice: no flip back, no second row
    toggle(client, therapist.id, "0")
    assert fresh().get_one(User, therapist.id).is_coder is False
    events = fresh().scalars(select(AuditEvent).where(AuditEvent.action == "user.coder")
                             .order_by(AuditEvent.id)).all()
    assert [(e.subject_type, e.subject_id, e.actor_id, e.before, e.after) for e in events] == [
        ("user", therapist.id, world.users[who].id, {"is_coder": False}, {"is_coder": True}),
        ("user", therapist.id, world.users[who].id, {"is_coder": True}, {"is_coder": False})]


def test_a_designated_coder_gets_the_coding_pages(app, client, world):
    """Designation is what opens the coding pages to a therapist."""
    therapist = signed_in(app, world.users["therapist"].email)
    assert therapist.get("/coding/").status_code == 403
    login(client, world.users["lead"].email)
    toggle(client, world.users["therapist"].id, "1")
    assert therapist.get("/coding/").status_code == 200


def test_the_list_holds_staff_but_not_vendors(client, world):
    """Vendors are not listed; leads and admins are shown as always coding, without a button."""
    login(client, world.users["lead"].email)
    html = client.get("/coding/coders").get_data(as_text=True)
    assert "Tess Therapist" in html and "Max Manager" in html and "Ada Admin" in html
    assert "Vic Vendor" not in html
    assert "Make a coder<span class=\"visually-hidden\">: Tess Therapist" in html
    assert "Yes (always)" in html
    assert f'action="/coding/coders/{world.users["lead"].id}"' not in html


@pytest.mark.parametrize("target", ["vendor", "lead", "admin"])
def test_vendors_leads_and_admins_cannot_be_toggled(client, world, target):
    """Vendors never code and leads always do, so there is no switch for them."""
    login(client, world.users["lead"].email)
    assert toggle(client, world.users[target].id, "1").status_code == 404
    assert fresh().scalar(select(AuditEvent).where(AuditEvent.action == "user.coder")) is None


def test_a_bad_designation_is_refused(client, world):
    """Only 0 or 1, and only with the form's token."""
    login(client, world.users["lead"].email)
    assert toggle(client, world.users["therapist"].id, "yes").status_code == 400
    assert client.post(f"/coding/coders/{world.users['therapist'].id}",
                       data={"designate": "1"}).status_code == 400
    assert fresh().get_one(User, world.users["therapist"].id).is_coder is False


@pytest.mark.parametrize("who", ["coder", "manager", "vendor"])
def test_non_leads_are_refused(client, coded, who):
    """A designated coder may code but not designate others; the rest may not even look."""
    login(client, coded.users[who].email)
    assert client.get("/coding/coders").status_code == 403
    token = csrf_from(client.get("/home").get_data(as_text=True))  # the sign-out form's
    response = client.post(f"/coding/coders/{coded.users['therapist'].id}",
                           data={"csrf_token": token, "designate": "1"})
    assert response.status_code == 403
    assert fresh().get_one(User, coded.users["therapist"].id).is_coder is False
