"""The Dash app: behind the login, CSRF on callbacks, overview numbers scoped to the user."""

from datetime import datetime

import pytest

from portal.domain.dashboard_filters import Filters
from portal.domain.overview_stats import (
    freshness,
    invitation_uptake,
    responses_by,
    uptake_by_service,
)
from portal.extensions import db
from tests.conftest import csrf_from, login
from tests.dashboards.helpers import (
    CALLBACK,
    add_patient_responses,
    add_therapist_response,
    chart,
    csrf_cookie,
    post_callback,
    texts,
    values,
)


def body(search=""):
    """The body the renderer posts for the per-month chart."""
    return {"output": "..g-responses_month.figure...t-responses_month.children..",
            "outputs": [{"id": "g-responses_month", "property": "figure"},
                        {"id": "t-responses_month", "property": "children"}],
            "inputs": [{"id": "url", "property": "search", "value": search}],
            "changedPropIds": ["url.search"], "state": []}


def total(figure) -> int:
    """Sum of all bars in a figure."""
    return int(sum(values(trace["y"]).sum() for trace in figure["data"] if "y" in trace))


def test_dashboards_need_sign_in(client, world):
    """Anonymous visitors are sent to sign in; callbacks get 401."""
    page = client.get("/dash/themes")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    token = csrf_from(client.get("/login").get_data(as_text=True))
    refused = client.post(CALLBACK, json=body(), headers={"X-CSRFToken": token})
    assert refused.status_code == 401


def test_callbacks_need_the_csrf_header(client, world):
    """A callback without X-CSRFToken is refused."""
    login(client, "lead@x.test")
    assert client.get("/dash/").status_code == 200
    assert client.post(CALLBACK, json=body()).status_code == 400
    ok = client.post(CALLBACK, json=body(), headers={"X-CSRFToken": csrf_cookie(client)})
    assert ok.status_code == 200


def test_every_page_path_serves_the_app(client, world):
    """/dash/, /dash/themes, /dash/readiness and /dash/strategies are the one Dash page."""
    login(client, "manager@x.test")
    for path in ("/dash/", "/dash/themes", "/dash/readiness", "/dash/strategies"):
        assert client.get(path + "?group=patient").status_code == 200


def test_responses_are_counted_per_dimension_in_the_database(app, world):
    """One GROUP BY per dimension, scoped and filtered."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 3)
    add_patient_responses(world, "leeds", datetime(2026, 4, 1, 9), 2)
    add_patient_responses(world, "bristol", datetime(2026, 4, 2, 9), 4)
    add_therapist_response(world, "leeds", datetime(2026, 4, 3, 9), {"oric_01": 4})
    lead, manager = world.users["lead"], world.users["manager"]
    months = responses_by(db.session, lead, Filters(), "month", k=1)
    assert months[["key", "responses"]].to_dict("records") == [
        {"key": "2026-03", "responses": 3}, {"key": "2026-04", "responses": 7}]
    services = responses_by(db.session, lead, Filters(), "service", k=1)
    assert dict(zip(services["label"], services["responses"], strict=True)) == {
        "Leeds Talking Therapies": 6, "Bristol Wellbeing": 4}
    groups = responses_by(db.session, manager, Filters(), "group", k=1)
    assert dict(zip(groups["key"], groups["responses"], strict=True)) == {
        "patient": 5, "therapist": 1}
    instruments = responses_by(db.session, lead, Filters(groups=("therapist",)), "instrument",
                               k=1)
    assert instruments[["key", "responses"]].to_dict("records") == [
        {"key": "therapist", "responses": 1}]
    bristol = world.services["bristol"].id
    assert responses_by(db.session, manager, Filters(services=(bristol,)), "service").empty


def test_invitation_uptake_and_freshness(app, world):
    """uses / max_uses per link and per service; the latest response and coding in view."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 3)
    add_patient_responses(world, "bristol", datetime(2026, 4, 2, 9), 4)
    lead, manager = world.users["lead"], world.users["manager"]
    per_service = uptake_by_service(db.session, lead, Filters(), k=1)
    rows = {r["service"]: r for r in per_service.to_dict("records")}
    assert rows["Leeds Talking Therapies"]["uses"] == 3
    assert rows["Leeds Talking Therapies"]["max_uses"] == 200  # the patient and team links
    assert rows["Leeds Talking Therapies"]["rate"] == pytest.approx(0.015)
    assert rows["Bristol Wellbeing"]["rate"] == pytest.approx(0.04)
    links = invitation_uptake(db.session, manager, Filters(), k=1)
    assert set(links["service"]) == {"Leeds Talking Therapies"}
    assert sorted(links["uses"]) == [0, 3]
    fresh = freshness(db.session, manager, Filters())
    assert fresh["latest_response"] == datetime(2026, 3, 5)  # patients: day precision
    assert fresh["latest_coding"] is not None
    assert freshness(db.session, manager, Filters(services=(world.services["bristol"].id,))) \
        == {"latest_response": None, "latest_coding": None}


def test_invitation_uptake_hides_links_and_services_below_k(app, world):
    """3 and 4 patient responses are fewer than the patient k (10): hidden, rate too. An
    empty link stays 0: with one hidden link and only zeros beside it, the service total is
    itself below k and hidden, so nothing can be subtracted."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 3)
    add_patient_responses(world, "bristol", datetime(2026, 4, 2, 9), 4)
    lead = world.users["lead"]
    per_service = uptake_by_service(db.session, lead, Filters())
    assert per_service["uses"].isna().all() and per_service["rate"].isna().all()
    assert per_service["suppressed"].all()
    links = invitation_uptake(db.session, lead, Filters())
    leeds = links[links["service"] == "Leeds Talking Therapies"]
    assert leeds["uses"].isna().tolist() == [True, False]
    assert leeds["uses"].fillna(-1).tolist() == [-1, 0]
    shown = invitation_uptake(db.session, lead, Filters(), k=3)
    assert sorted(shown[shown["service"] == "Leeds Talking Therapies"]["uses"]) == [0, 3]


@pytest.mark.parametrize(("who", "search", "expected"), [
    ("lead", "", 7), ("lead", "?service={bristol}", 4), ("manager", "", 3),
    ("manager", "?service={bristol}", 0), ("manager", "?service={bristol}&service={leeds}", 3),
    ("vendor", "", 3), ("vendor", "?service={bristol}", 0), ("other_manager", "", 4)])
def test_callback_numbers_are_scoped_to_the_user(client, app, world, who, search, expected):
    """A manager asking for another service's id in the URL gets nothing of it."""
    app.config.update(SUPPRESSION_K_PATIENT=1, SUPPRESSION_K_STAFF=1)  # scope, not small cells
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 3)
    add_patient_responses(world, "bristol", datetime(2026, 3, 6, 10), 4)
    ids = {k: s.id for k, s in world.services.items()}
    login(client, world.users[who].email)
    client.get("/dash/")
    for name in ("responses_month", "responses_service", "responses_group"):
        figure, table = chart(client, name, search.format(**ids))
        assert total(figure) == expected
    _, table = chart(client, "responses_service", search.format(**ids))
    shown = " ".join(texts(table))
    if who.endswith("manager") or who == "vendor":
        other = "Leeds Talking Therapies" if who == "other_manager" else "Bristol Wellbeing"
        assert other not in shown


def test_the_filter_bar_offers_only_visible_services(client, world):
    """The layout's service options are the manager's own."""
    login(client, "manager@x.test")
    layout = client.get("/dash/_dash-layout").get_data(as_text=True)
    assert "Leeds Talking Therapies" in layout and "Bristol Wellbeing" not in layout


def test_the_url_fills_the_filter_bar_and_hides_other_services(client, world):
    """URL → bar: a manager's link naming Bristol shows it nowhere and says so."""
    ids = {k: s.id for k, s in world.services.items()}
    login(client, "manager@x.test")
    client.get("/dash/")
    search = f"?service={ids['bristol']}&group=patient&from=2026-01-01&version=1"
    outputs = [("url", "search"), ("f-service", "value"), ("f-group", "value"),
               ("f-programme", "value"), ("f-period", "start_date"), ("f-period", "end_date"),
               ("f-codebook", "value"), ("f-version", "value"), ("f-version", "options"),
               ("f-notice", "children")]
    inputs = [("url", "search", search), ("f-service", "value", None),
              ("f-group", "value", None), ("f-programme", "value", None),
              ("f-period", "start_date", None), ("f-period", "end_date", None),
              ("f-codebook", "value", "icbt-implementation"), ("f-version", "value", None)]
    result = post_callback(client, outputs, inputs).get_json()["response"]
    assert result["f-service"]["value"] == []
    assert result["f-group"]["value"] == ["patient"]
    assert result["f-period"]["start_date"] == "2026-01-01"
    assert result["f-version"]["value"] == 1
    assert "cannot see" in result["f-notice"]["children"]
    assert "url" not in result  # the URL stays as shared; the SQL scope does the rest

    # bar → URL: choosing a group writes the query back.
    inputs[0] = ("url", "search", "")
    inputs[2] = ("f-group", "value", ["therapist"])
    inputs[1] = ("f-service", "value", [ids["leeds"]])
    written = post_callback(client, outputs, inputs, changed=["f-group.value"]).get_json()
    assert written["response"]["url"]["search"] == f"?service={ids['leeds']}&group=therapist"
    assert "fewer than k" in written["response"]["f-notice"]["children"]  # narrowed: it says so


@pytest.mark.parametrize("search", ["?service=²", "?service=1e9", "?service=-1",
                                    "?service=99999999999999999999", "?group=<script>",
                                    "?from=yesterday&version=x&codebook=../../etc"])
def test_odd_urls_are_not_a_500(client, world, search):
    """A malformed query is dropped piece by piece, never an error."""
    from datetime import datetime as dt

    add_patient_responses(world, "leeds", dt(2026, 3, 5, 10), 2)
    login(client, "manager@x.test")
    client.get("/dash/")
    figure, _ = chart(client, "responses_month", search)
    assert total(figure) in (0, 2)


def test_small_counts_are_hidden_with_the_next_smallest(app, world):
    """Default k (10 with patients): Bristol's 4 is hidden, and Leeds's 12 with it, because
    the total of the two would otherwise give Bristol's away."""
    add_patient_responses(world, "leeds", datetime(2026, 3, 5, 10), 12)
    add_patient_responses(world, "bristol", datetime(2026, 3, 6, 10), 4)
    lead = world.users["lead"]
    services = responses_by(db.session, lead, Filters(), "service", config=app.config)
    assert services["responses"].isna().all() and services["suppressed"].all()
    leeds_only = responses_by(db.session, lead, Filters(services=(world.services["leeds"].id,)),
                              "service", config=app.config)
    assert leeds_only["responses"].tolist() == [12]
