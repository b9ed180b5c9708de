"""Helpers for the dashboard tests: data through the write path, callbacks through HTTP."""

import base64
from datetime import datetime

import numpy as np

from portal.domain.invitations import create_invitation
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db

CALLBACK = "/dash/_dash-update-component"


def link_for(world, service_key: str, instrument_key: str):
    """An invitation link for a service and instrument (the world's, or a new one)."""
    if service_key == "leeds" and instrument_key in world.links:
        return world.links[instrument_key]
    cache = world.__dict__.setdefault("extra_links", {})
    if (service_key, instrument_key) not in cache:
        cache[(service_key, instrument_key)] = create_invitation(
            db.session, service=world.services[service_key],
            instrument=world.instruments[instrument_key], created_by=world.users["lead"],
            label=f"{service_key} {instrument_key}", days_valid=730, max_uses=100,
            now=datetime(2025, 6, 1))
    return cache[(service_key, instrument_key)]


def add_patient_responses(world, service_key: str, when: datetime, n: int,
                          answers: dict | None = None) -> None:
    """Store n patient responses through the write path."""
    instrument = world.instruments["patient"]
    link = link_for(world, service_key, "patient")
    for _ in range(n):
        submit_response(db.session, version=instrument.current,
                        service=world.services[service_key],
                        answers=answers or {"helped": "The weekly messages."},
                        idempotency_key=new_idempotency_key(), invitation=link, now=when)
    db.session.commit()


def add_therapist_response(world, service_key: str, when: datetime, scores: dict) -> None:
    """Store one therapist response with the given scale answers (e.g. oric_01: 4)."""
    instrument = world.instruments["therapist"]
    submit_response(db.session, version=instrument.current, service=world.services[service_key],
                    answers={"role": "therapist", "programme": "depression", "years_icbt": 3,
                             "helps": "Protected time for iCBT each week.",
                             **scores},
                    idempotency_key=new_idempotency_key(),
                    invitation=link_for(world, service_key, "therapist"), now=when)
    db.session.commit()


def csrf_cookie(client) -> str:
    """The token the Dash page hands to its renderer."""
    cookie = client.get_cookie("_csrf_token", path="/dash/")
    assert cookie is not None
    return cookie.value


def post_callback(client, outputs: list[tuple[str, str]], inputs: list[tuple], state=(),
                  changed: list[str] | None = None):
    """Post the body Dash's renderer sends for a callback; outputs are (id, property)."""
    def key(component, prop):
        return f"{component}.{prop}"

    output = (key(*outputs[0]) if len(outputs) == 1
              else ".." + "...".join(key(*o) for o in outputs) + "..")
    body = {"output": output,
            "outputs": ({"id": outputs[0][0], "property": outputs[0][1]} if len(outputs) == 1
                        else [{"id": i, "property": p} for i, p in outputs]),
            "inputs": [_spec(entry) for entry in inputs],
            "changedPropIds": changed if changed is not None
            else [key(inputs[0][0], inputs[0][1])],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state]}
    return client.post(CALLBACK, json=body, headers={"X-CSRFToken": csrf_cookie(client)})


def _spec(entry):
    """One input as the renderer sends it; a list stands for a wildcard (ALL) input."""
    if isinstance(entry, list):
        return [_spec(one) for one in entry]
    component, prop, value = entry
    return {"id": component, "property": prop, "value": value}


def chart(client, name: str, search: str = ""):
    """Call a chart's callback; return (figure, table children) from the JSON response."""
    response = post_callback(client, [(f"g-{name}", "figure"), (f"t-{name}", "children")],
                             [("url", "search", search)])
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()["response"]
    return body[f"g-{name}"]["figure"], body[f"t-{name}"]["children"]


def values(array) -> np.ndarray:
    """Decode a Plotly array, plain or base64-typed (Plotly 6+)."""
    if isinstance(array, dict) and "bdata" in array:
        data = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        return data.reshape(array["shape"]) if "shape" in array and isinstance(
            array["shape"], list) else data
    return np.asarray(array)


def texts(component) -> list[str]:
    """Every string inside a serialised Dash component tree, in order."""
    found = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            walk(node.get("props", {}).get("children"))

    walk(component)
    return found
