"""Every state-changing route, found from the live url map, and every Dash callback refuse a
request without a CSRF token, or with another session's, and change nothing in the database."""

import io
import json
import re

import pytest

from tests.adversarial.helpers import (
    DASH_CALLBACK,
    STATE_CHANGING,
    changed_tables,
    dump,
    finish_jobs,
    post_target,
    state_changing_rules,
)

# Routes that may change state without a CSRF token, each with the reason. None are expected:
# a route added with csrf.exempt fails the tests below until it is listed here, with why.
EXEMPT: dict[str, str] = {}
REFUSED = (400, 403)
PROBLEM = re.compile(r"(?:error|problem)[^>]*>\s*([^<]{3,200})")  # to say why a control failed


def flask_rules(app) -> list:
    """The state-changing Flask routes (the Dash callback route is tested on its own)."""
    return [r for r in state_changing_rules(app)
            if r.rule != DASH_CALLBACK and r.endpoint not in EXEMPT]


def test_every_state_changing_route_has_an_attack_body(app, arsenal):
    """A new POST route fails here until post_target says how to make it act."""
    missing = []
    for rule in flask_rules(app):
        try:
            post_target(rule.endpoint, arsenal)
        except KeyError:
            missing.append(rule.rule)
    assert not missing, f"add these routes to post_target: {missing}"
    assert DASH_CALLBACK in {r.rule for r in state_changing_rules(app)}


def attempts(app, arsenal, clients):
    """(rule, method, who, url, data) for every state-changing method of every route."""
    for rule in flask_rules(app):
        who, url, data = post_target(rule.endpoint, arsenal)
        for method in sorted(rule.methods & STATE_CHANGING):
            yield rule, method, who, url, data


def send(client, method: str, url: str, data: dict):
    """Send a form the way a browser would."""
    return client.open(url, method=method, data=data)


@pytest.mark.parametrize("forged", ["missing", "other_session", "garbage"])
def test_no_route_acts_with_a_missing_or_foreign_token(app, arsenal, clients, forged):
    """Without a token of this session, every route answers 400/403 and nothing changes."""
    everyone = [who for *_, who, _url, _data in attempts(app, arsenal, clients)]
    foreign = {}
    for who in set(everyone):
        clients(who)  # sign in before the dump: a sign-in writes
        if forged == "other_session":
            stranger = type(clients)(app, arsenal.world)  # a second browser, same person
            foreign[who] = stranger.token(who)
    failures = []
    for rule, method, who, url, data in attempts(app, arsenal, clients):
        body = dict(data)
        if forged == "other_session":
            body["csrf_token"] = foreign[who]
        elif forged == "garbage":
            body["csrf_token"] = "IjEyMyI.garbage.token"
        before = dump()
        response = send(clients(who), method, url, body)
        after = dump()
        if response.status_code not in REFUSED or changed_tables(before, after):
            failures.append((rule.rule, method, response.status_code,
                             changed_tables(before, after)))
    assert not failures, failures


def test_the_same_bodies_with_the_sessions_token_do_act(app, arsenal, clients):
    """Control: each body, sent with a good token, passes the guards and changes the database,
    so the refusals above are the CSRF check's doing and not a wrong id or field."""
    failures = []
    # Codebook changes make new versions the coding bodies do not name, and a changed
    # password stops later sign-ins, so those go last.
    for rule, method, who, url, data in sorted(
            attempts(app, arsenal, clients),
            key=lambda a: (a[0].endpoint == "auth.password", a[0].endpoint[:9] == "codebooks")):
        people = type(clients)(app, arsenal.world)  # fresh: logout and password end sessions
        client = people(who)
        body = {**data, "csrf_token": people.token(who)}
        if rule.endpoint == "codebooks.import_file":
            exported = client.get(url.replace("/import", "/export.qdc")).data.replace(
                b"Technical faults and bugs", b"Faults and bugs")  # an import must change
            body["file"] = (io.BytesIO(exported), "book.qdc")
        before = dump()
        response = send(client, method, url, body)
        finish_jobs(arsenal)
        after = dump()
        if response.status_code >= 400 or not changed_tables(before, after):
            failures.append((rule.rule, response.status_code,
                             PROBLEM.findall(response.get_data(as_text=True))))
    assert not failures, failures


def dash_bodies(client) -> list[tuple[str, dict]]:
    """(output, body) for every callback the Dash app registered, from its dependency map."""
    assert client.get("/dash/").status_code == 200
    dependencies = client.get("/dash/_dash-dependencies").get_json()
    assert dependencies, "the Dash app has no callbacks"
    bodies = []
    for dependency in dependencies:
        output = dependency["output"]
        names = output.strip(".").split("...") if output.startswith("..") else [output]
        outputs = [dict(zip(("id", "property"), name.rsplit(".", 1), strict=True))
                   for name in names]
        inputs = [{**spec, "value": None} for spec in dependency["inputs"]]
        body = {"output": output,
                "outputs": outputs if output.startswith("..") else outputs[0],
                "inputs": inputs, "state": [{**s, "value": None}
                                            for s in dependency.get("state", [])],
                "changedPropIds": [f"{i['id']}.{i['property']}" for i in inputs[:1]]}
        bodies.append((output, body))
    return bodies


def test_every_dash_callback_refuses_a_missing_or_foreign_token(app, arsenal, clients):
    """Each registered callback: no header or another session's token is a 400."""
    client = clients("lead")
    bodies = dash_bodies(client)
    own = client.get_cookie("_csrf_token", path="/dash/")
    stranger = type(clients)(app, arsenal.world)
    stranger("lead").get("/dash/")
    foreign = stranger("lead").get_cookie("_csrf_token", path="/dash/").value
    before = dump()
    failures = []
    for output, body in bodies:
        for headers in ({}, {"X-CSRFToken": foreign}, {"X-CSRFToken": "garbage"}):
            response = client.post(DASH_CALLBACK, json=body, headers=headers)
            if response.status_code != 400:
                failures.append((output, headers, response.status_code))
        # Control: the renderer's own token gets past the check (the callback may still find
        # its empty inputs dull, but not refuse them as forged).
        control = client.post(DASH_CALLBACK, data=json.dumps(body),
                              content_type="application/json",
                              headers={"X-CSRFToken": own.value})
        if control.status_code not in (200, 204):
            failures.append((output, "control", control.status_code))
    assert not failures, failures
    assert not changed_tables(before, dump())
