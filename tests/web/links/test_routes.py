"""Invitation links: who may create them, QR codes and posters, withdrawal."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Instrument, Invitation
from tests.conftest import csrf_from, fresh, login


def create_link(client, service_id: int, instrument_id: int, **extra):
    """Post the create-link form."""
    page = client.get("/links/new")
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "service_id": service_id,
            "instrument_id": instrument_id, "label": "Waiting room", "days_valid": 60,
            "max_uses": 300, **extra}
    return client.post("/links/new", data=data)


def patient_instrument() -> Instrument:
    """The patient instrument."""
    return db.session.scalar(select(Instrument).where(Instrument.key == "patient"))


@pytest.mark.parametrize("who", ["lead", "admin", "manager"])
def test_leads_and_managers_create_links_with_a_qr_code(client, world, who):
    """The link page shows the URL, an SVG QR code and a poster."""
    login(client, world.users[who].email)
    response = create_link(client, world.services["leeds"].id, patient_instrument().id)
    assert response.status_code == 302
    link = fresh().scalar(select(Invitation).where(Invitation.label == "Waiting room"))
    assert (link.max_uses, link.uses) == (300, 0)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"http://portal.test/i/{link.token}" in page
    assert "<svg" in page
    poster = client.get(f"/links/{link.id}/poster").get_data(as_text=True)
    assert link.token in poster and "<svg" in poster
    svg = client.get(f"/links/{link.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")


def test_a_manager_cannot_create_a_link_for_another_service(client, world):
    """The service list is scoped; a forged id is refused and nothing is stored."""
    login(client, "manager@x.test")
    before = db.session.scalar(select(db.func.count()).select_from(Invitation))
    response = create_link(client, world.services["bristol"].id, patient_instrument().id)
    assert response.status_code == 400
    assert fresh().scalar(select(db.func.count()).select_from(Invitation)) == before


@pytest.mark.parametrize(("who", "status"), [("therapist", 403), ("vendor", 403)])
def test_other_roles_cannot_create_links(client, world, who, status):
    """Therapists and vendors do not manage links."""
    login(client, world.users[who].email)
    assert client.get("/links/new").status_code == status


@pytest.mark.parametrize(("who", "visible"), [
    ("lead", True), ("admin", True), ("manager", True), ("other_manager", False),
    ("therapist", False), ("vendor", False)])
def test_link_pages_are_scoped_in_the_query(client, world, who, visible):
    """Another service's link is a 404 by URL, QR, poster and withdraw."""
    login(client, world.users[who].email)
    link = world.links["patient"]
    for path in (f"/links/{link.id}", f"/links/{link.id}/qr.svg", f"/links/{link.id}/poster"):
        assert client.get(path).status_code == (200 if visible else 404)
    listing = client.get("/links/").get_data(as_text=True)
    assert (f"/links/{link.id}" in listing) is visible


def test_withdrawing_a_link_stops_it(client, world):
    """After withdrawal the link answers 410."""
    login(client, "manager@x.test")
    link = world.links["patient"]
    page = client.get(f"/links/{link.id}").get_data(as_text=True)
    response = client.post(f"/links/{link.id}/revoke", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert client.get(f"/i/{link.token}").status_code == 410


def test_withdraw_without_csrf_is_refused(client, world):
    """State changes need the CSRF token."""
    login(client, "manager@x.test")
    link = world.links["patient"]
    assert client.post(f"/links/{link.id}/revoke").status_code == 400
    assert fresh().get(Invitation, link.id).revoked_at is None


@pytest.mark.parametrize(("field", "value"), [("days_valid", 0), ("days_valid", 9999),
                                              ("max_uses", 0), ("max_uses", "lots")])
def test_bad_limits_are_refused(client, world, field, value):
    """Expiry and use limit are checked and explained."""
    login(client, "lead@x.test")
    response = create_link(client, world.services["leeds"].id, patient_instrument().id,
                           **{field: value})
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)


def test_links_need_sign_in(client, world):
    """Anonymous visitors are sent to sign in."""
    response = client.get("/links/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
