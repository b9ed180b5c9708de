"""Readiness and strategies pages, and the printable report: known numbers, scoped."""

from datetime import datetime

import numpy as np
import pytest

from portal.domain.readiness import READINESS_FORMULA
from tests.conftest import login
from tests.dashboards.helpers import (
    add_patient_responses,
    add_therapist_response,
    chart,
    post_callback,
    texts,
    values,
)

T_975_2 = 4.302652729911275  # t(0.975, 2 degrees of freedom)
BUGS = {"programme": "depression",
        "hindered": "The app kept logging me out halfway through a module."}


@pytest.fixture
def staff(app, world):
    """Three Leeds therapists answering every ORIC item 3, 4 and 5; one Bristol therapist."""
    for score in (3, 4, 5):
        add_therapist_response(world, "leeds", datetime(2026, 3, 9),
                               {f"oric_{i:02d}": score for i in range(1, 13)})
    add_therapist_response(world, "bristol", datetime(2026, 3, 9),
                           {f"oric_{i:02d}": 2 for i in range(1, 13)})
    return world


def trace(figure, name):
    """The trace with this name."""
    return next(t for t in figure["data"] if t.get("name") == name)


def test_oric_means_and_intervals_reach_the_chart(client, app, staff):
    """Mean 4, sd 1, n 3: the error bar is t(0.975, 2)·1/√3 either side."""
    app.config["SUPPRESSION_K_STAFF"] = 2
    login(client, "lead@x.test")
    client.get("/dash/readiness")
    figure, table = chart(client, "oric", f"?service={staff.services['leeds'].id}")
    overall = trace(figure, "Overall")
    assert list(overall["x"]) == ["Leeds Talking Therapies"]
    assert values(overall["y"])[0] == pytest.approx(4.0)
    half = T_975_2 / np.sqrt(3)
    assert values(overall["error_y"]["array"])[0] == pytest.approx(half)
    assert values(overall["error_y"]["arrayminus"])[0] == pytest.approx(half)
    assert "n=3" in list(overall["text"])
    shown = " ".join(texts(table))
    assert "Change commitment" in shown and "change_commitment" not in shown


def test_small_staff_groups_read_fewer_than_k(client, staff):
    """With the default staff k (5), three respondents are "fewer than 5"."""
    login(client, "lead@x.test")
    client.get("/dash/readiness")
    figure, table = chart(client, "oric")
    assert "fewer than 5" in str(figure) and "fewer than 5" in " ".join(texts(table))
    index, _ = chart(client, "readiness")
    assert "fewer than 5" in str(index)


@pytest.mark.parametrize("who", ["manager", "vendor"])
def test_a_manager_naming_another_service_gets_no_readiness(client, app, staff, who):
    """Bristol's numbers never reach Leeds staff, by URL or callback."""
    app.config["SUPPRESSION_K_STAFF"] = 1
    bristol = staff.services["bristol"].id
    login(client, staff.users[who].email)
    client.get("/dash/readiness")
    for name in ("oric", "nomad", "cfir_valence", "readiness", "waves"):
        figure, table = chart(client, name, f"?service={bristol}")
        assert "Bristol" not in str(figure) and "Bristol" not in " ".join(texts(table)), name
    mine, _ = chart(client, "oric")
    assert "Bristol" not in str(mine)


def test_formula_flags_and_report_links(client, app, staff):
    """The formula is on the page; report links only for the user's services."""
    login(client, "manager@x.test")
    client.get("/dash/readiness")
    result = post_callback(client, [("readiness-formula", "children"),
                                    ("readiness-flags", "children"),
                                    ("report-links", "children")],
                           [("url", "search", "?group=therapist")]).get_json()["response"]
    assert result["readiness-formula"]["children"] == READINESS_FORMULA
    links = result["report-links"]["children"]
    hrefs = [link["props"]["children"]["props"]["href"] for link in links]
    assert hrefs == [f"/reports/{staff.services['leeds'].id}?group=therapist"]


def test_strategies_page_is_scoped(client, app, coded):
    """Leeds barriers and their strategies with a source; Bristol asked by URL: nothing."""
    app.config["SUPPRESSION_K_PATIENT"] = 2
    add_patient_responses(coded, "leeds", datetime(2026, 3, 5), 6, BUGS)
    login(client, "manager@x.test")
    client.get("/dash/strategies")

    def body(search):
        response = post_callback(client, [("strategies-body", "children")],
                                 [("url", "search", search)])
        assert response.status_code == 200
        return " ".join(texts(response.get_json()["response"]["strategies-body"]["children"]))

    own = body("")
    assert "Leeds Talking Therapies" in own and "Source" in own
    assert "Bristol" not in body(f"?service={coded.services['bristol'].id}")
    assert "No barriers" in body(f"?service={coded.services['bristol'].id}")


def test_printable_report_is_scoped(client, app, staff):
    """A manager's own report renders with print CSS; another service's is a 404."""
    app.config["SUPPRESSION_K_STAFF"] = 2
    leeds, bristol = staff.services["leeds"].id, staff.services["bristol"].id
    assert client.get(f"/reports/{leeds}").status_code == 302  # sign in first
    login(client, "manager@x.test")
    own = client.get(f"/reports/{leeds}?group=therapist")
    html = own.get_data(as_text=True)
    assert own.status_code == 200
    assert "@media print" in html and "Readiness report: Leeds Talking Therapies" in html
    assert "4.00" in html and "Readiness index (0-100)" in html  # the ORIC mean; the formula
    assert "Bristol" not in html
    assert client.get(f"/reports/{bristol}").status_code == 404
    assert client.get("/reports/999999").status_code == 404


def test_lead_sees_every_report(client, app, staff):
    """A lead may print any service's report; suppressed numbers read "fewer than k"."""
    login(client, "lead@x.test")
    for service in staff.services.values():
        page = client.get(f"/reports/{service.id}")
        assert page.status_code == 200
        assert "fewer than 5" in page.get_data(as_text=True)
