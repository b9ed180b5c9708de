"""The responsiveness page: registered, scoped callback, and a 404 for others' requests."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import SupplierRequest
from tests.conftest import login
from tests.dashboards.helpers import post_callback, texts
from tests.requests_helpers import build_history, other_vendor_user


def body(client, search=""):
    """Call the page's callback as the renderer does."""
    return post_callback(client, [("responsiveness-body", "children")],
                         [("url", "search", search)])


@pytest.fixture
def history(world):
    """Requests of both vendors with fixed times."""
    return build_history(world)


def test_the_page_is_served_and_in_the_navigation(client, world):
    """/dash/responsiveness is a dashboard page."""
    login(client, "lead@x.test")
    assert client.get("/dash/responsiveness").status_code == 200


def test_a_vendor_sees_only_its_own_numbers(client, history):
    """Northlight's representative: its vendor, products and services only."""
    login(client, "vendor@x.test")
    client.get("/dash/responsiveness")
    response = body(client)
    assert response.status_code == 200
    shown = texts(response.get_json()["response"]["responsiveness-body"]["children"])
    assert "Northlight Health" in shown and "MindStep" in shown
    assert "Thrive Digital" not in shown and "Bristol Wellbeing" not in shown


def test_another_vendors_request_is_a_404_in_the_callback(client, history):
    """?request=N for a Thrive request, asked by Northlight, answers 404; its own works."""
    other_vendor_user(history)
    ids = {vendor: db.session.scalar(select(SupplierRequest.id).where(
        SupplierRequest.vendor_id == history.vendors[vendor].id,
        SupplierRequest.status != "proposed")) for vendor in ("northlight", "thrive")}
    login(client, "vendor@x.test")
    client.get("/dash/responsiveness")
    assert body(client, f"?request={ids['thrive']}").status_code == 404
    own = body(client, f"?request={ids['northlight']}")
    assert own.status_code == 200
    assert f"Request #{ids['northlight']}: Login fails" in texts(
        own.get_json()["response"]["responsiveness-body"]["children"])
    assert body(client, "?request=abc").status_code == 404


def test_the_themes_page_shows_mentions_around_delivered_training(client, world):
    """Delivered training sits on the Themes page with the mentions before and after it,
    the small count hidden as on every dashboard."""
    from datetime import date, datetime

    from portal.domain.training_plan import add_to_plan, schedule
    from tests.requests_helpers import filed, therapist_feedback

    for day in (3, 10):
        therapist_feedback(world, "We need more training on the messaging.",
                           when=datetime(2026, 2, day, 9))
    item = add_to_plan(db.session, world.users["vendor"],
                       filed(world, kind="training", title="Onboarding"),
                       topic="Messaging <b>and</b> onboarding", audience="New therapists")
    schedule(db.session, world.users["vendor"], item, delivered_on=date(2026, 3, 1),
             today=date(2026, 3, 1))
    db.session.commit()
    login(client, "lead@x.test")
    client.get("/dash/themes")
    response = post_callback(client, [("themes-training", "children")], [("url", "search", "")])
    shown = texts(response.get_json()["response"]["themes-training"]["children"])
    assert "Messaging <b>and</b> onboarding" in shown  # text, not markup
    assert "fewer than 5" in shown and "2026-03-01" in shown
