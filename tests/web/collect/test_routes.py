"""The survey form: answering by link and signed in, and every kind of bad input."""

import re
import unicodedata
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Answer, Invitation, Response, utcnow
from tests.conftest import csrf_from, fresh, login


def count(model) -> int:
    """Rows in a table, as committed."""
    return fresh().scalar(select(func.count()).select_from(model))


def form_fields(client, url: str) -> dict[str, str]:
    """GET a survey and return its hidden fields."""
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    hidden = dict(re.findall(r'name="(submission_key|version)" type="hidden" value="([^"]*)"',
                             html))
    hidden["csrf_token"] = csrf_from(html)
    assert set(hidden) == {"csrf_token", "submission_key", "version"}, hidden
    return hidden


def patient_answers(**extra) -> dict[str, str]:
    """A valid patient submission."""
    return {"programme": "depression", "support_experience": "The weekly messages kept me going.",
            "consent": "y", **extra}


@pytest.fixture
def patient_url(world) -> str:
    """The patient link's path."""
    return f"/i/{world.links['patient'].token}"


def test_patient_answers_anonymously_and_sees_a_reference(client, patient_url):
    """A valid patient submission stores one anonymous, day-precision response."""
    data = {**form_fields(client, patient_url), **patient_answers()}
    response = client.post(patient_url, data=data)
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"])
    stored = fresh().scalar(select(Response))
    assert stored.reference in thanks.get_data(as_text=True)
    assert "116 123" in thanks.get_data(as_text=True)  # where to get urgent help
    assert stored.user_id is None and stored.stakeholder_group == "patient"
    assert (stored.submitted_at.hour, stored.submitted_at.minute, stored.submitted_at.second) \
        == (0, 0, 0)
    assert stored.answer_map()["support_experience"] == "The weekly messages kept me going."
    assert fresh().get(Invitation, stored.invitation_id).uses == 1


def test_emoji_rtl_and_combining_marks_are_stored_nfc(client, patient_url):
    """Text is stored as typed, NFC-normalised."""
    typed = "Helped 🙂 مرحبا بكم שלום e\u0301 👩🏽‍⚕️"
    data = {**form_fields(client, patient_url), **patient_answers(helped=typed)}
    assert client.post(patient_url, data=data).status_code == 302
    stored = fresh().scalar(select(Answer.value_text).where(Answer.item_id == "helped"))
    assert stored == unicodedata.normalize("NFC", typed)


def test_resending_the_same_form_stores_one_response(client, patient_url):
    """Double click, back-and-resend and a retried request all land on one response."""
    data = {**form_fields(client, patient_url), **patient_answers()}
    first = client.post(patient_url, data=data)
    second = client.post(patient_url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Response) == 1
    assert fresh().scalar(select(Invitation.uses).where(Invitation.token == patient_url[3:])) \
        == 1


def test_staff_answer_signed_in_and_see_their_submissions(client, world):
    """A therapist answers for their own service and finds it in their history."""
    login(client, "therapist@x.test")
    url = f"/survey/{world.services['leeds'].id}/therapist"
    data = {**form_fields(client, url), "role": "therapist", "programme": "depression",
            "years_icbt": "3", "hinders": "Login failures eat ten minutes per session.",
            "oric_01": "4"}
    response = client.post(url, data=data)
    assert response.status_code == 302
    stored = fresh().scalar(select(Response))
    assert stored.user_id == world.users["therapist"].id
    mine = client.get("/me/submissions").get_data(as_text=True)
    assert stored.reference in mine
    detail = client.get(f"/me/submissions/{stored.reference}").get_data(as_text=True)
    assert "Login failures eat ten minutes per session." in detail


@pytest.mark.parametrize("who", ["manager", "vendor", "lead"])
def test_other_roles_cannot_post_the_therapist_survey(client, world, who):
    """The staff form is for the role's own group and service only."""
    login(client, world.users[who].email)
    assert client.get(f"/survey/{world.services['leeds'].id}/therapist").status_code == 404


def test_a_therapist_cannot_answer_for_another_service(client, world):
    """Service scope is in the query: another service's id is a 404."""
    login(client, "therapist@x.test")
    assert client.get(f"/survey/{world.services['bristol'].id}/therapist").status_code == 404


def test_someone_elses_submission_is_not_found(client, world, patient_url):
    """My submissions are scoped to me."""
    data = {**form_fields(client, patient_url), **patient_answers()}
    client.post(patient_url, data=data)
    reference = fresh().scalar(select(Response.reference))
    login(client, "therapist@x.test")
    assert client.get(f"/me/submissions/{reference}").status_code == 404


# --- bad input: a clear 4xx, the typed text kept, nothing stored ---------------------------

LONG = "x" * 10_001


@pytest.mark.parametrize(("change", "message"), [
    ({"helped": LONG}, "10,000 characters"),
    ({"helped": "before\x00after"}, "NUL"),
    ({"consent": ""}, "happy to take part"),
    ({"support_experience": "", "programme_experience": "", "helped": "", "hindered": ""},
     "at least 1"),
    ({"programme": "astrology"}, "choose one of the options"),
    ({"stage": "finished", "role": "admin"}, "no question called role"),
    ({"service_id": "2"}, "no question called service_id"),
])
def test_bad_answers_are_refused_with_text_kept(client, patient_url, change, message):
    """Each bad answer gets a 400, its message, the typed text back, and nothing stored."""
    typed = "Please keep this sentence 🙂"
    data = {**form_fields(client, patient_url), **patient_answers(hindered=typed), **change}
    if "hindered" in change:
        typed = ""
    response = client.post(patient_url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert message.lower() in html.lower()
    assert typed in html
    assert count(Response) == count(Answer) == 0
    assert fresh().scalar(select(Invitation.uses).where(Invitation.token == patient_url[3:])) \
        == 0


def test_a_section_error_links_to_the_sections_first_question(client, patient_url):
    """The summary's link for "answer at least one" lands on a control, not nowhere."""
    data = {**form_fields(client, patient_url), "consent": "y"}
    html = client.post(patient_url, data=data).get_data(as_text=True)
    assert '<a href="#support_experience">Please answer at least 1 question' in html


def test_exactly_ten_thousand_characters_is_accepted(client, patient_url):
    """The limit the form states is the limit applied."""
    data = {**form_fields(client, patient_url), **patient_answers(helped="é" * 10_000)}
    assert client.post(patient_url, data=data).status_code == 302


def test_invalid_utf8_is_refused_and_nothing_stored(client, patient_url):
    """Undecodable bytes are reported, not silently replaced."""
    fields = form_fields(client, patient_url)
    from urllib.parse import urlencode

    body = urlencode({**fields, **patient_answers()}).encode() + b"&helped=caf%C3%A9+%FF%FE+ok"
    response = client.post(patient_url, data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_data(as_text=True)
    assert "The weekly messages kept me going." in response.get_data(as_text=True)
    assert count(Response) == 0


def test_lone_surrogate_bytes_are_refused(client, patient_url):
    """A surrogate encoded as UTF-8 bytes (CESU style) is invalid UTF-8."""
    from urllib.parse import urlencode

    body = urlencode({**form_fields(client, patient_url), **patient_answers()}).encode() \
        + b"&helped=%ED%A0%80"
    response = client.post(patient_url, data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert count(Response) == 0


def test_missing_csrf_token_is_refused_with_text_kept(client, patient_url):
    """Without its CSRF token the form comes back with the answers, and nothing is stored."""
    data = {**form_fields(client, patient_url), **patient_answers()}
    del data["csrf_token"]
    response = client.post(patient_url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "security token" in html
    assert "The weekly messages kept me going." in html
    assert count(Response) == 0


def test_oversized_body_is_refused(client, patient_url):
    """Bodies over the limit get 413 before any parsing."""
    data = {**form_fields(client, patient_url), **patient_answers(helped="x" * 3_000_000)}
    assert client.post(patient_url, data=data).status_code == 413
    assert count(Response) == 0


@pytest.mark.parametrize("state", ["missing", "expired", "used_up", "revoked"])
def test_unusable_links_are_refused(client, world, state):
    """Missing links are 404; expired, used-up and withdrawn ones 410; nothing stored."""
    link = world.links["patient"]
    url = f"/i/{link.token}"
    fields = form_fields(client, url)
    if state == "missing":
        url = "/i/not-a-real-token"
    elif state == "expired":
        link.expires_at = utcnow() - timedelta(minutes=1)
    elif state == "used_up":
        link.max_uses, link.uses = 1, 1
    else:
        link.revoked_at = utcnow()
    db.session.commit()
    response = client.post(url, data={**fields, **patient_answers()})
    assert response.status_code == (404 if state == "missing" else 410)
    assert count(Response) == 0
    assert client.get(url).status_code == (404 if state == "missing" else 410)


def test_the_last_use_of_a_link_goes_to_one_submission(client, world):
    """A link with one use left accepts one response; the next form is told."""
    link = world.links["patient"]
    link.max_uses = 1
    db.session.commit()
    url = f"/i/{link.token}"
    first, second = form_fields(client, url), form_fields(client, url)
    assert client.post(url, data={**first, **patient_answers()}).status_code == 302
    refused = client.post(url, data={**second, **patient_answers(helped="mine too")})
    assert refused.status_code == 410
    assert count(Response) == 1
