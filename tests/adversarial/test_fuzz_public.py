"""Hypothesis fuzzes the public endpoints (/login, /i/<token>, /thanks/<reference>) with
arbitrary forms, raw bodies, paths and query strings: never a 500, and the stored responses
grow by at most one, and only when the answer is a redirect to the confirmation."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Response
from tests.adversarial.helpers import survey_fields
from tests.conftest import csrf_from, fresh

FUZZ = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
SURVEY_FIELDS = ["programme", "consent", "support_experience", "programme_experience",
                 "helped", "hindered", "stage", "version", "submission_key", "csrf_token",
                 "role", "service_id", "user_id"]
LOGIN_FIELDS = ["email", "password", "csrf_token", "next", "remember"]

# Text as a client may send it: control characters, lone surrogates, astral planes, and now
# and then something very long.
texts = st.one_of(st.text(max_size=60),
                  st.text(alphabet=st.characters(codec=None, min_codepoint=0,
                                                 max_codepoint=0x10FFFF), max_size=40),
                  st.sampled_from(["\x00", "\ud800", "x" * 10_001, "é" * 3000, "%00",
                                   "%ED%A0%80", "", " ", "y", "depression"]))


def form_strategy(fields: list[str]):
    """Form dicts over the real field names and arbitrary ones."""
    return st.dictionaries(st.one_of(st.sampled_from(fields), st.text(max_size=12)),
                           texts, max_size=8)


def to_body(form: dict) -> bytes:
    """Url-encode a form; surrogates go out as their raw UTF-8-style bytes."""
    return b"&".join(quote(k, errors="surrogatepass").encode() + b"="
                     + quote(v, errors="surrogatepass").encode() for k, v in form.items())


@pytest.fixture(scope="session")
def backend():
    """The fuzz runs on SQLite only; the malformed-body tests cover PostgreSQL."""
    yield "sqlite", None


@pytest.fixture
def patient_link(world):
    """The world's patient link with room for every example's submission."""
    world.links["patient"].max_uses = 10_000
    db.session.commit()
    return f"/i/{world.links['patient'].token}"


def stored() -> int:
    """Stored responses, as committed."""
    return fresh().scalar(select(func.count()).select_from(Response))


SUCCESS = {"csrf_token", "submission_key", "consent", "programme", "support_experience"}


@FUZZ
@example(extra={}, keep=SUCCESS, raw=None)  # the success path is always tried
@example(extra={"role": "admin", "service_id": "2"}, keep=SUCCESS, raw=None)
@given(extra=form_strategy(SURVEY_FIELDS), keep=st.sets(st.sampled_from(
    ["csrf_token", "submission_key", "consent", "programme", "support_experience"])),
       raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_the_invitation_form_survives_any_body(client, patient_link, extra, keep, raw):
    """Valid fields kept or dropped, fuzzed ones added, or raw bytes: <500, at most one more."""
    html = client.get(patient_link).get_data(as_text=True)
    valid = {"csrf_token": csrf_from(html), **survey_fields(), "consent": "y",
             "programme": "depression", "support_experience": "Weekly messages helped."}
    form = {**{k: v for k, v in valid.items() if k in keep}, **extra}
    before = stored()
    response = client.post(patient_link, data=raw if raw is not None else to_body(form),
                           content_type="application/x-www-form-urlencoded")
    grown = stored() - before
    assert response.status_code < 500
    if not extra and keep == SUCCESS and raw is None:
        assert grown == 1, "the untouched valid form must be stored"
    assert grown in (0, 1)
    if grown:
        assert response.status_code in (302, 303)
        assert "/thanks/" in response.headers["Location"]


@FUZZ
@given(token=st.text(max_size=80), form=form_strategy(SURVEY_FIELDS),
       query=st.text(max_size=40))
def test_random_tokens_never_store_or_fail(client, world, token, form, query):
    """Any token other than a real one is a 4xx (or the page for a real one), never a 500."""
    before = stored()
    path = "/i/" + quote(token, safe="", errors="surrogatepass")
    query_string = quote(query, safe="=&", errors="surrogatepass")
    got = client.get(f"{path}?{query_string}")
    posted = client.post(path, data=to_body(form),
                         content_type="application/x-www-form-urlencoded")
    assert got.status_code < 500 and posted.status_code < 500
    assert stored() == before


@FUZZ
@given(form=form_strategy(LOGIN_FIELDS), with_token=st.booleans(),
       query=st.text(max_size=60))
def test_the_login_form_survives_any_body(client, world, form, with_token, query):
    """Any sign-in form and query string: <500, and never signed in without the password."""
    if with_token:
        form = {**form, "csrf_token": csrf_from(client.get("/login").get_data(as_text=True))}
    url = "/login?" + quote(query, safe="=&", errors="surrogatepass")
    response = client.post(url, data=to_body(form),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    assert client.get("/home").status_code in (302, 401)  # still anonymous


@FUZZ
@given(segment=st.text(max_size=60), query=st.text(max_size=60),
       prefix=st.sampled_from(["/thanks/", "/i/", "/me/submissions/", "/"]))
def test_any_path_under_the_public_prefixes_is_not_a_500(client, world, segment, query,
                                                         prefix):
    """Arbitrary references, tokens and paths: a page or a 4xx, and nothing stored."""
    before = stored()
    url = prefix + quote(segment, safe="/", errors="surrogatepass") + "?" + \
        quote(query, safe="=&", errors="surrogatepass")
    assert client.get(url).status_code < 500
    assert stored() == before
