"""The erasure page: leads and admins only, a confirmation step, CSRF, an audit row."""

import pytest
from sqlalchemy import func, select

from portal.domain.erasure import ERASED_ACTION
from portal.models import AuditEvent, Response
from tests.conftest import csrf_from, fresh, login


def ask(client, reference: str, reason: str = "Phoned the service on Monday", **extra):
    """Post the erasure form with a fresh CSRF token."""
    page = client.get("/data/erase")
    return client.post("/data/erase", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                            "reference": reference, "reason": reason, **extra})


def stored(reference: str) -> int:
    """1 if a response with this reference is stored, else 0."""
    return fresh().scalar(select(func.count()).select_from(Response)
                          .where(Response.reference == reference))


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_erasure_is_confirmed_then_done(client, coded, who):
    reference = coded.responses[0].reference
    login(client, coded.users[who].email)
    confirm = ask(client, reference.lower())
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and f"Erase response {reference}?" in page
    assert "Leeds Talking Therapies" in page and "supporter" not in page  # no answer text
    assert stored(reference) == 1  # nothing happens before the confirmation
    done = client.post("/data/erase", data={"csrf_token": csrf_from(page), "reference": reference,
                                            "reason": "Phoned the service on Monday",
                                            "confirmed": reference})
    assert done.status_code == 302
    assert stored(reference) == 0
    listed = client.get("/data/erase").get_data(as_text=True)
    assert "is erased" in listed and reference in listed and "Phoned the service" in listed
    event = fresh().scalar(select(AuditEvent).where(AuditEvent.action == ERASED_ACTION))
    assert event.actor_id == coded.users[who].id


@pytest.mark.parametrize("who", ["manager", "therapist", "vendor"])
def test_other_roles_are_refused(client, coded, who):
    login(client, coded.users[who].email)
    assert client.get("/data/erase").status_code == 403
    assert client.post("/data/erase", data={"reference": coded.responses[0].reference,
                                            "reason": "x"}).status_code in (400, 403)
    assert stored(coded.responses[0].reference) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, coded):
    assert client.get("/data/erase").status_code == 302


def test_unknown_and_malformed_references(client, coded):
    login(client, coded.users["lead"].email)
    assert ask(client, "ZZZZ-ZZZZ-ZZZZ").status_code == 404
    assert ask(client, "hello").status_code == 400
    assert ask(client, coded.responses[0].reference, reason="").status_code == 400


def test_the_form_needs_its_csrf_token(client, coded):
    login(client, coded.users["lead"].email)
    reference = coded.responses[0].reference
    refused = client.post("/data/erase", data={"reference": reference, "reason": "x",
                                               "confirmed": reference})
    assert refused.status_code == 400 and stored(reference) == 1
