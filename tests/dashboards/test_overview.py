"""The Dash app: behind the login, CSRF on callbacks, numbers scoped to the user."""

import base64
from datetime import datetime

import numpy as np
import pytest

from portal.domain.analytics import responses_per_month
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from tests.conftest import csrf_from, login

CALLBACK = "/dash/_dash-update-component"


def add_patient_responses(world, service_key: str, when: datetime, n: int) -> None:
    """Store n patient responses through the write path."""
    link = world.links["patient"] if service_key == "leeds" else None
    instrument = world.instruments["patient"]
    for _ in range(n):
        if link is None:
            from portal.domain.invitations import create_invitation

            link = create_invitation(db.session, service=world.services[service_key],
                                     instrument=instrument, created_by=world.users["lead"],
                                     label="x", days_valid=730, max_uses=100,
                                     now=datetime(2025, 6, 1))
        submit_response(db.session, version=instrument.current,
                        service=world.services[service_key],
                        answers={"helped": "The weekly messages."},
                        idempotency_key=new_idempotency_key(), invitation=link, now=when)
    db.session.commit()


def callback_body(service_id):
    """The body Dash's renderer posts for the overview figure."""
    return {"output": "responses-by-month.figure",
            "outputs": {"id": "responses-by-month", "property": "figure"},
            "inputs": [{"id": "service", "property": "value", "value": service_id}],
            "changedPropIds": ["service.value"], "state": []}


def csrf_cookie(client) -> str:
    """The token the Dash page hands to its renderer."""
    cookie = client.get_cookie("_csrf_token", path="/dash/")
    assert cookie is not None
    return cookie.value


def figure_total(response) -> int:
    """Sum of all bars in the returned figure."""
    figure = response.get_json()["response"]["responses-by-month"]["figure"]
    return int(sum(values(trace["y"]).sum() for trace in figure["data"]))


def values(array) -> np.ndarray:
    """Decode a Plotly array, plain or base64-typed (Plotly 6+)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array)


def test_dashboards_need_sign_in(client, world):
    """Anonymous visitors are sent to sign in; callbacks get 401."""
    page = client.get("/dash/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    token = csrf_from(client.get("/login").get_data(as_text=True))
    refused = client.post(CALLBACK, json=callback_body(None), headers={"X-CSRFToken": token})
    assert refused.status_code == 401


def test_callbacks_need_the_csrf_header(client, world):
    """A callback without X-CSRFToken is refused."""
    login(client, "lead@x.test")
    assert client.get("/dash/").status_code == 200
    assert client.post(CALLBACK, json=callback_body(None)).status_code == 400
    ok = client.post(CALLBACK, json=callback_body(None),
                     headers={"X-CSRFToken": csrf_cookie(client)})
    assert ok.status_code == 200


def test_responses_per_month_counts_in_the_database(app, world):
    """The GROUP BY gives the counts per month and group."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 3)
    add_patient_responses(world, "leeds", datetime(2026, 4, 1, 9), 2)
    add_patient_responses(world, "bristol", datetime(2026, 4, 2, 9), 4)
    frame = responses_per_month(db.session, world.users["lead"])
    assert frame.to_dict("records") == [
        {"month": "2026-03", "group": "patient", "responses": 3},
        {"month": "2026-04", "group": "patient", "responses": 6}]
    own = responses_per_month(db.session, world.users["manager"])
    assert own["responses"].sum() == 5


@pytest.mark.parametrize(("who", "asked", "expected"), [
    ("lead", None, 7), ("lead", "bristol", 4), ("manager", None, 3),
    ("manager", "bristol", 0), ("vendor", None, 3), ("vendor", "bristol", 0)])
def test_callback_numbers_are_scoped_to_the_user(client, world, who, asked, expected):
    """A manager asking for another service's id by callback gets nothing of it."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 3)
    add_patient_responses(world, "bristol", datetime(2026, 3, 6, 10), 4)
    login(client, world.users[who].email)
    client.get("/dash/")
    service_id = world.services[asked].id if asked else None
    response = client.post(CALLBACK, json=callback_body(service_id),
                           headers={"X-CSRFToken": csrf_cookie(client)})
    assert response.status_code == 200
    assert figure_total(response) == expected


def test_the_service_list_shows_only_visible_services(client, world):
    """The layout's dropdown is scoped."""
    login(client, "manager@x.test")
    layout = client.get("/dash/_dash-layout").get_data(as_text=True)
    assert "Leeds Talking Therapies" in layout and "Bristol Wellbeing" not in layout


@pytest.mark.parametrize("value", ["²", "1", 99999999999999999999, -1, [1], {"id": 1}])
def test_odd_callback_values_are_not_a_500(client, world, value):
    """Anything but a visible service id shows nothing, with a 200."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 2)
    login(client, "manager@x.test")
    client.get("/dash/")
    response = client.post(CALLBACK, json=callback_body(value),
                           headers={"X-CSRFToken": csrf_cookie(client)})
    assert response.status_code == 200
    assert figure_total(response) == 0
