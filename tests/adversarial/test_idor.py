"""Every route that takes an id, found from the url map, refuses another service's or vendor's
object by GET and by POST with a good CSRF token (403/404, nothing changed); and the Dash
callbacks, given another service's id in the filter, show a manager nothing of it."""

import json
from datetime import datetime

import pytest
from sqlalchemy import select

from portal.domain.accounts import create_user
from portal.extensions import db
from portal.models import Invitation, Role
from tests.adversarial.helpers import (
    DASH_CALLBACK,
    KEY,
    Clients,
    changed_tables,
    dump,
    finish_jobs,
    post_target,
)
from tests.conftest import PASSWORD, fresh
from tests.dashboards.helpers import add_patient_responses
from tests.requests_helpers import other_vendor_user

# Routes with an id that is not another tenant's object, with the reason.
NOT_TENANT_DATA = {
    "codebooks.version": "codebook versions are shared by every service; coders see them all",
}
REFUSED = (403, 404)


def id_rules(app) -> list:
    """Rules whose URL carries a database id (an int converter)."""
    return sorted((r for r in app.url_map.iter_rules()
                   if any(type(c).__name__ == "DatabaseIdConverter"
                          for c in r._converters.values())),
                  key=lambda r: r.rule)


@pytest.fixture
def intruders(app, arsenal):
    """Bristol's manager, a Bristol therapist who codes, and Thrive's representative."""
    other_vendor_user(arsenal.world)
    arsenal.world.users["bristol_coder"] = create_user(
        db.session, email="bcoder@x.test", name="Bo Coder", password=PASSWORD,
        role=Role.THERAPIST, service=arsenal.world.services["bristol"])
    arsenal.world.users["bristol_coder"].is_coder = True
    db.session.commit()
    return Clients(app, arsenal.world)


def leeds_object(endpoint: str, a) -> tuple[str, str]:
    """(intruder, URL of a Leeds or Northlight object) for a route; KeyError if unknown."""
    link = a.world.links["patient"].id
    sample = f"/coding/samples/{a.sample}"
    return {
        "codebooks.job": ("bristol_coder", f"/codebooks/jobs/{a.job}"),
        "codebooks.job_status": ("bristol_coder", f"/codebooks/jobs/{a.job}.json"),
        "coding.answer": ("bristol_coder", f"/coding/{KEY}/answers/{a.answer}"),
        "coding.toggle_coder": ("other_manager",
                                f"/coding/coders/{a.world.users['therapist'].id}"),
        "coding.sample": ("bristol_coder", sample),
        "coding.blind": ("bristol_coder", f"{sample}/answers/{a.sample_answer}"),
        "coding.reconcile": ("bristol_coder", f"{sample}/reconcile/{a.sample_answer}"),
        "links.show": ("other_manager", f"/links/{link}"),
        "links.poster": ("other_manager", f"/links/{link}/poster"),
        "links.qr": ("other_manager", f"/links/{link}/qr.svg"),
        "links.revoke": ("other_manager", f"/links/{link}/revoke"),
        "reports.readiness_report": ("other_manager", f"/reports/{a.leeds}"),
        "requests.show": ("other_manager", f"/requests/{a.request}"),
        "requests.save": ("other_vendor", f"/requests/{a.request}"),
        "requests.export_one": ("other_vendor", f"/requests/{a.request}/export.csv"),
        "requests.plan_request": ("other_vendor", f"/requests/{a.training_request}/plan"),
        "requests.settings": ("other_manager", f"/requests/settings/{a.leeds}"),
        "requests.schedule_item": ("other_vendor", f"/requests/training/{a.item}"),
        "safety.show": ("other_manager", f"/safety/{a.flag}"),
        "safety.change": ("other_manager", f"/safety/{a.flag}"),
        "safety.designate": ("other_manager",
                             f"/safety/clinicians/{a.world.users['therapist'].id}"),
        "collect.staff_survey": ("bristol_coder", f"/survey/{a.leeds}/therapist"),
        # A Leeds therapist's account: administrators only, not even Leeds's own manager.
        "people.show": ("other_manager", f"/people/{a.leaver}"),
        "people.change": ("other_manager", f"/people/{a.leaver}"),
        "people.password": ("bristol_coder", f"/people/{a.leaver}/password"),
    }[endpoint]


def test_every_id_route_refuses_another_tenants_object(app, arsenal, intruders):
    """GET and POST (with the intruder's own good token and a real body): 403/404, no change."""
    failures, unknown = [], []
    for rule in id_rules(app):
        if rule.endpoint in NOT_TENANT_DATA:
            continue
        try:
            who, url = leeds_object(rule.endpoint, arsenal)
        except KeyError:
            unknown.append(rule.rule)
            continue
        client, token = intruders(who), intruders.token(who)
        before = dump()
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = None
            if method == "POST":
                data = {**post_target(rule.endpoint, arsenal)[2], "csrf_token": token}
            response = client.open(url, method=method, data=data)
            finish_jobs(arsenal)
            if response.status_code not in REFUSED:
                failures.append((rule.rule, method, who, response.status_code))
        if changed_tables(before, dump()):
            failures.append((rule.rule, "changed", changed_tables(before, dump())))
    assert not unknown, f"say in leeds_object how to attack: {unknown}"
    assert not failures, failures


def test_another_persons_submission_is_not_found_by_reference(app, arsenal, intruders):
    """/me/submissions/<reference> of a Leeds therapist's response, as a Bristol therapist."""
    from tests.requests_helpers import therapist_feedback

    reference = therapist_feedback(arsenal.world).reference
    assert intruders("bristol_coder").get(f"/me/submissions/{reference}").status_code == 404


def test_a_link_of_another_service_is_not_listed(app, arsenal, intruders):
    """The links list of Bristol's manager names no Leeds link."""
    html = intruders("other_manager").get("/links/").get_data(as_text=True)
    leeds = fresh().scalars(select(Invitation.id).where(
        Invitation.service_id == arsenal.leeds)).all()
    assert leeds and not any(f'/links/{i}"' in html for i in leeds)


def callback_bodies(client, search: str) -> list[tuple[str, dict]]:
    """A body per registered callback, with this filter in url.search and the page path."""
    dependencies = client.get("/dash/_dash-dependencies").get_json()
    bodies = []
    for dependency in dependencies:
        output = dependency["output"]
        names = output.strip(".").split("...") if output.startswith("..") else [output]
        outputs = [dict(zip(("id", "property"), n.rsplit(".", 1), strict=True)) for n in names]
        values = {("url", "search"): search, ("url", "pathname"): "/dash/"}
        inputs = [{**i, "value": values.get((i["id"], i["property"]))}
                  for i in dependency["inputs"]]
        state = [{**s, "value": values.get((s["id"], s["property"]))}
                 for s in dependency.get("state", [])]
        if not any((i["id"], i["property"]) == ("url", "search") for i in inputs + state):
            continue  # the filter never reaches this callback
        bodies.append((output, {
            "output": output, "outputs": outputs if output.startswith("..") else outputs[0],
            "inputs": inputs, "state": state,
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]]}))
    return bodies


def callback_answers(client, search: str) -> dict[str, str]:
    """Each filtered callback's JSON answer for this filter."""
    assert client.get("/dash/").status_code == 200
    token = client.get_cookie("_csrf_token", path="/dash/").value
    answers = {}
    for output, body in callback_bodies(client, search):
        response = client.post(DASH_CALLBACK, json=body, headers={"X-CSRFToken": token})
        assert response.status_code in (200, 204), (output, response.status_code)
        # Links on the page carry the filter along; that echo is not data.
        answers[output] = json.dumps(response.get_json(), sort_keys=True).replace(
            search.lstrip("?"), "service=<asked>")
    return answers


def test_dash_callbacks_show_a_manager_nothing_of_another_service(app, arsenal, clients):
    """As Leeds's manager, ?service=<Bristol> answers exactly as a service that does not
    exist; as the lead (control) it shows Bristol's numbers."""
    add_patient_responses(arsenal.world, "bristol", datetime(2026, 3, 5, 10), 12)
    bristol, nowhere = f"?service={arsenal.bristol}", "?service=987654"
    manager = callback_answers(clients("manager"), bristol)
    assert manager, "no callback reads the filter"
    leaked = [out for out, answer in callback_answers(clients("manager"), nowhere).items()
              if manager[out] != answer]
    assert not leaked, leaked
    lead = callback_answers(clients("lead"), bristol)
    assert any(lead[out] != manager[out] for out in lead), "the control saw no Bristol data"
