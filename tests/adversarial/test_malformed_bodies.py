"""Malformed requests to the public pages and to every signed-in form get a clear 4xx, never a
500, and store nothing: invalid UTF-8 (escaped and raw), NUL, lone surrogates, bodies over
MAX_CONTENT_LENGTH, JSON, multipart and garbage bodies, overlong values; repeated fields
never make a 500."""

from urllib.parse import quote, urlencode

import pytest

from portal.web.text_form import NUL_PROBLEM
from tests.adversarial.helpers import (
    DASH_CALLBACK,
    changed_tables,
    dump,
    finish_jobs,
    post_target,
    state_changing_rules,
)

FORM = "application/x-www-form-urlencoded"
REFUSED = {400, 404, 409, 410, 413, 415}
# Free-text fields; other fields are ids and choices that a form checks against its list.
TEXT = {"email", "password", "current", "new", "confirm", "title", "description", "comment",
        "label", "name", "reason", "topic", "audience", "support_experience", "helps",
        "first_label", "second_label"}
OVERLONG = "x" * 100_001  # over every Length limit (the longest is 10,000)


def encode(data: dict, poison: bytes = b"", fields=None) -> bytes:
    """A url-encoded body with raw poison bytes appended to the named fields' values (by
    default all but the CSRF token, so that the form itself, not CSRF, must refuse them)."""
    parts = []
    for name, value in data.items():
        chunk = quote(str(value), safe="").encode()
        if (fields is None and name != "csrf_token") or (fields and name in fields):
            chunk += poison
        parts.append(quote(name).encode() + b"=" + chunk)
    return b"&".join(parts)


def posted_routes(app, arsenal, clients):
    """(endpoint, client, url, fields with a good CSRF token) for every form route.

    Sign-out goes last: where it acts (repeated fields) it ends its client's session, which
    later routes of the same person would need.
    """
    for rule in sorted(state_changing_rules(app), key=lambda r: r.endpoint == "auth.logout"):
        if rule.rule == DASH_CALLBACK:
            continue
        who, url, data = post_target(rule.endpoint, arsenal)
        client = clients(who)
        yield rule.endpoint, client, url, {"csrf_token": clients.token(who), **data,
                                           "x": "extra"}


# name -> (raw poison appended to every field, content type); all must be refused.
POISONS = {
    "invalid_utf8_escaped": b"%FF%FE",
    "invalid_utf8_raw": b"\xff\xfe",
    "lone_surrogate_escaped": b"%ED%A0%80",
    "lone_surrogate_raw": b"\xed\xa0\x80",
    "nul_escaped": b"%00",
    "overlong_utf8_nul": b"%C0%80",
}


@pytest.mark.parametrize("poison", POISONS)
def test_bad_bytes_in_any_form_are_refused_and_store_nothing(app, arsenal, clients, poison):
    """Every form route, with a good token and the bad bytes in every field: 4xx, no change."""
    failures = []
    for endpoint, client, url, data in posted_routes(app, arsenal, clients):
        before = dump()
        response = client.post(url, data=encode(data, POISONS[poison]), content_type=FORM)
        after = dump()
        if response.status_code not in REFUSED or changed_tables(before, after):
            failures.append((endpoint, response.status_code, changed_tables(before, after)))
    assert not failures, failures


def test_a_refused_body_says_why(app, arsenal, clients):
    """The refusal is a readable page naming the problem, not a bare status."""
    _endpoint, client, url, data = next(
        r for r in posted_routes(app, arsenal, clients) if r[0] == "requests.new")
    for poison, words in ((b"%FF", "not valid UTF-8"), (b"%00", "NUL")):
        response = client.post(url, data=encode(data, poison), content_type=FORM)
        assert response.status_code == 400
        assert words in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["oversized", "json", "multipart_huge", "garbage",
                                  "overlong_values"])
def test_odd_bodies_to_any_form_are_refused_and_store_nothing(app, arsenal, clients, kind):
    """Over MAX_CONTENT_LENGTH, JSON, multipart with a huge part, garbage, overlong text: 4xx."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    failures = []
    for endpoint, client, url, data in posted_routes(app, arsenal, clients):
        if kind == "oversized":
            sent = client.post(url, data=urlencode({**data, "x": "y" * (limit + 1)}),
                               content_type=FORM)
        elif kind == "json":
            sent = client.post(url, json=data)
        elif kind == "multipart_huge":
            sent = client.post(url, data={**data, "x": "y" * (limit // 2), "z": "y" * limit},
                               content_type="multipart/form-data")
        elif kind == "garbage":
            sent = client.post(url, data=b"\x00\xff{not a form" * 100,
                               content_type="application/octet-stream")
        else:
            texts = {name for name in data if name in TEXT}
            if not texts:
                continue  # no free text to overfill
            sent = client.post(url, data={**data, **dict.fromkeys(texts, OVERLONG)})
        before_ok = sent.status_code in REFUSED
        if not before_ok or changed_tables(arsenal_dump(arsenal), dump()):
            failures.append((endpoint, sent.status_code))
    assert not failures, failures


def arsenal_dump(arsenal) -> dict:
    """The dump taken when the arsenal was built (made on first use)."""
    if not hasattr(arsenal, "dump"):
        arsenal.dump = dump()
    return arsenal.dump


@pytest.fixture(autouse=True)
def baseline(request, arsenal, clients):
    """Sign everyone in and take the baseline dump before a test sends anything."""
    for who in (None, "admin", "lead", "manager", "therapist", "vendor", "coder"):
        clients(who)
        clients.token(who)
    arsenal_dump(arsenal)


def test_repeated_fields_never_make_a_500(app, arsenal, clients):
    """Each field twice with different values (the first is used or the form refuses)."""
    failures = []
    for endpoint, client, url, data in posted_routes(app, arsenal, clients):
        doubled = [(name, value) for name, value in data.items()] + \
            [(name, "other") for name in data if name != "csrf_token"]
        response = client.post(url, data=urlencode(doubled), content_type=FORM)
        finish_jobs(arsenal)  # a doubled form may act, and start a re-coding job
        if response.status_code >= 500:
            failures.append((endpoint, response.status_code))
    assert not failures, failures


PUBLIC_GETS = ["/", "/healthz", "/login", "/i/{token}", "/thanks/{reference}"]
QUERIES = ["?q=%FF%FE", "?q=%ED%A0%80", "?q=\xed", "?next=%00", "?q=" + "x" * 50_000,
           "?q=a&q=b&q=c", "?%%%=&&=", "?next=//evil.test/%2F.."]


@pytest.mark.parametrize("query", QUERIES)
def test_public_pages_survive_odd_query_strings(app, arsenal, clients, query):
    """The public pages answer odd query strings without a 500 and without writing."""
    client = clients(None)
    for path in PUBLIC_GETS:
        url = path.format(token=arsenal.token, reference=arsenal.reference) + query
        response = client.get(url)
        assert response.status_code < 500, (url[:80], response.status_code)
    assert not changed_tables(arsenal_dump(arsenal), dump())


@pytest.mark.parametrize("path", ["/i/{token}", "/login"])
def test_public_forms_refuse_bad_bytes_before_anything_is_stored(app, arsenal, clients, path):
    """The two public forms, anonymous, each poison in turn: a 4xx page and nothing stored."""
    client = clients(None)
    url = path.format(token=arsenal.token)
    _who, _url, data = post_target("collect.invited" if "/i/" in path else "auth.login",
                                   arsenal)
    data = {**data, "csrf_token": clients.token(None)}
    for poison in POISONS.values():
        response = client.post(url, data=encode(data, poison, TEXT | {"helped"}),
                               content_type=FORM)
        assert response.status_code in REFUSED, (poison, response.status_code)
        assert "There is a problem" in response.get_data(as_text=True) or \
            response.status_code != 200
    assert not changed_tables(arsenal_dump(arsenal), dump())


SECRET = {"password", "current", "new", "confirm"}  # never shown again, by design


def test_nul_in_a_text_form_shows_the_text_again_without_it(app, arsenal, clients):
    """Every text form refuses a NUL itself: 400, the field named, the typed text back in the
    form without the NUL, nothing stored; other forms refuse it with a plain 400."""
    failures, checked = [], []
    for endpoint, client, url, data in posted_routes(app, arsenal, clients):
        view = app.view_functions[endpoint]
        texts = {name for name in data if name in TEXT}
        if not getattr(view, "form_refuses_nul", False) or not texts:
            continue
        checked.append(endpoint)
        poisoned = {**data, **{name: f"Kept {name} \x00text" for name in texts}}
        before = dump()
        response = client.post(url, data=urlencode(poisoned), content_type=FORM)
        html = response.get_data(as_text=True)
        lost = [name for name in texts - SECRET if f"Kept {name} text" not in html]
        if response.status_code != 400 or NUL_PROBLEM not in html or lost or "\x00" in html \
                or changed_tables(before, dump()):
            failures.append((endpoint, response.status_code, lost))
    assert not failures, failures
    assert {"auth.login", "requests.new", "requests.save", "codebooks.new_theme",
            "links.new", "data.erase", "coding.new_sample", "people.new",
            "people.password"} <= set(checked)
