"""Reviewing the engine: the queue, the coding form, its audit trail, access and escaping."""

import pytest
from sqlalchemy import func, select

from portal import jobs
from portal.domain.codebooks import add_version, current_version
from portal.domain.review import queue
from portal.extensions import db
from portal.models import AuditEvent, Coding, Job
from tests.conftest import csrf_from, fresh, login
from tests.web.coding.helpers import (
    KEY,
    add_patient_response,
    answer_links,
    coding_events,
    human_codings,
    machine_tags,
    post_coding,
    signed_in,
)

QUEUE = f"/coding/{KEY}/queue"


def answer_url(answer_id: int, key: str = KEY) -> str:
    """The review page of an answer."""
    return f"/coding/{key}/answers/{answer_id}"


def waiting(user, key: str = KEY) -> list[int]:
    """The user's queue as the domain orders it."""
    session = fresh()
    return [i.answer_id for i in queue(session, user, current_version(session, key))]


def test_the_queue_is_least_certain_first_and_in_scope(app, client, coded, coder):
    """The coder at Leeds sees Leeds answers only, least certain first; Bristol's is hidden."""
    bristol = add_patient_response(coded, "bristol", {"hindered": "The app crashed every day."})
    expected = waiting(coder)
    page = client.get(QUEUE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert answer_links(html) == expected
    uncertainties = [i.uncertainty for i in queue(fresh(), coder, current_version(fresh(), KEY))]
    assert uncertainties == sorted(uncertainties, reverse=True)
    assert "Leeds Talking Therapies" in html and "Bristol Wellbeing" not in html
    assert bristol[0].id not in answer_links(html)
    assert client.get(answer_url(bristol[0].id)).status_code == 404
    lead = signed_in(app, coded.users["lead"].email)
    assert bristol[0].id in answer_links(lead.get(QUEUE).get_data(as_text=True))


def test_the_queue_is_paged(client, coded, coder, monkeypatch):
    """Pages hold PAGE_SIZE rows and link to each other."""
    monkeypatch.setattr("portal.web.coding.routes.PAGE_SIZE", 3)
    expected = waiting(coder)
    pages = [answer_links(client.get(f"{QUEUE}?page={n}").get_data(as_text=True))
             for n in (1, 2, 3)]
    assert [a for p in pages for a in p] == expected
    assert "Page 1 of 3" in client.get(QUEUE).get_data(as_text=True)


@pytest.mark.parametrize("who", ["therapist", "vendor", "manager"])
@pytest.mark.parametrize("path", ["/coding/", QUEUE, answer_url(2), f"/coding/{KEY}/agreement",
                                  "/coding/coders", f"/coding/{KEY}/samples/new"])
def test_people_who_do_not_code_are_refused(client, coded, who, path):
    """Undesignated staff and vendors get 403 everywhere; nothing is shown."""
    login(client, coded.users[who].email)
    assert client.get(path).status_code == 403


def test_signing_in_is_required(client, coded):
    """Anonymous visitors are sent to the sign-in page."""
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_overview_shows_queues_and_lead_links(app, client, coded, coder):
    """The coder sees each codebook's queue size; only leads see Coders and New blind sample."""
    html = client.get("/coding/").get_data(as_text=True)
    assert f"{len(waiting(coder))} answers waiting" in html
    assert f'href="/coding/{KEY}/queue"' in html and f'href="/coding/{KEY}/agreement"' in html
    assert "New blind sample" not in html and 'href="/coding/coders"' not in html
    html = signed_in(app, coded.users["lead"].email).get("/coding/").get_data(as_text=True)
    assert "New blind sample" in html and 'href="/coding/coders"' in html


def test_the_page_shows_the_proposal_with_a_machine_badge_and_evidence(client, coded, coder):
    """The proposal is pre-ticked, scored and badged; its passage is marked in the text."""
    answer_id = waiting(coder)[0]
    tags = machine_tags(answer_id)
    coding = fresh().scalar(select(Coding).where(Coding.answer_id == answer_id,
                                                 Coding.kind == "machine"))
    html = client.get(answer_url(answer_id)).get_data(as_text=True)
    assert f"Machine · {coding.tagger} {coding.tagger_version}" in html
    for theme, (polarity, _, _) in tags.items():
        assert f'value="{theme}" id="theme-{theme}" checked' in html
        assert f'id="polarity-{theme}-{polarity}" checked' in html
    score = coding.tags[0].score
    assert f"proposed, score {score:.2f}" in html
    assert "<mark" in html
    assert html.count(" checked") == 2 * len(tags)  # each proposal: its box and its polarity


def test_accept_keeps_the_passage_and_goes_to_the_next_answer(client, coded, coder):
    """Leaving the proposal ticked accepts it, with the engine's span; then the next answer."""
    first, second = waiting(coder)[:2]
    tags = machine_tags(first)
    response = post_coding(client, answer_url(first),
                           {theme: polarity for theme, (polarity, _, _) in tags.items()})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(answer_url(second))
    [coding] = human_codings(first)
    assert (coding.kind, coding.coder_id) == ("human", coder.id)
    assert {t.theme: (t.polarity, t.span_start, t.span_end) for t in coding.tags} == tags
    [event] = coding_events(first)
    assert event.action == "coding.human" and event.actor_id == coder.id
    assert event.after["accepted"] == sorted(tags)
    assert event.after["rejected"] == event.after["added"] == []
    assert first not in waiting(coder)


def test_reject_add_and_change_polarity_are_recorded(client, coded, coder):
    """Unticking rejects, ticking another adds, a new polarity is a polarity change."""
    first, second = waiting(coder)[:2]
    [proposed] = machine_tags(first)
    post_coding(client, answer_url(first), {"tech_bugs": "barrier"})
    [coding] = human_codings(first)
    assert [(t.theme, t.polarity, t.span_start) for t in coding.tags] == \
        [("tech_bugs", "barrier", None)]
    after = coding_events(first)[0].after
    assert after["rejected"] == [proposed] and after["added"] == ["tech_bugs"]

    [(theme, (polarity, _, _))] = machine_tags(second).items()
    other = next(p for p in ("barrier", "facilitator", "neutral") if p != polarity)
    post_coding(client, answer_url(second), {theme: other})
    [coding] = human_codings(second)
    assert [(t.theme, t.polarity) for t in coding.tags] == [(theme, other)]
    after = coding_events(second)[0].after
    assert after["polarity_changed"] == [theme] and after["accepted"] == []


def test_recoding_replaces_the_coders_earlier_coding(client, coded, coder):
    """Saving twice leaves one current coding, and the page shows the coder's own choices."""
    answer_id = waiting(coder)[0]
    post_coding(client, answer_url(answer_id), {"tech_bugs": "barrier"})
    post_coding(client, answer_url(answer_id), {"tech_bugs": "neutral"})
    [coding] = human_codings(answer_id)
    assert coding.tags[0].polarity == "neutral"
    html = client.get(answer_url(answer_id)).get_data(as_text=True)
    assert 'id="polarity-tech_bugs-neutral" checked' in html


@pytest.mark.parametrize("themes", [
    {"tech_bugs": None, "usability": "facilitator"},  # a ticked theme without polarity
    {"no_such_theme": "barrier", "usability": "facilitator"},  # refused by the domain
    {"usability": "sideways"},
])
def test_errors_keep_the_choices_and_store_nothing(client, coded, coder, themes):
    """A 400 with the summary, the person's ticks kept, and no coding or audit row."""
    answer_id = waiting(coder)[0]
    events = fresh().scalar(select(func.count()).select_from(AuditEvent))
    response = post_coding(client, answer_url(answer_id), themes)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    for theme, polarity in themes.items():
        if theme != "no_such_theme":
            assert f'value="{theme}" id="theme-{theme}" checked' in html
        if polarity in ("barrier", "facilitator", "neutral") and theme != "no_such_theme":
            assert f'id="polarity-{theme}-{polarity}" checked' in html
    assert human_codings(answer_id) == []
    assert fresh().scalar(select(func.count()).select_from(AuditEvent)) == events


def test_a_stale_codebook_version_is_refused(client, coded, coder):
    """A form opened before the codebook changed names the old version; the domain refuses it."""
    answer_id = waiting(coder)[0]
    page_url = answer_url(answer_id)
    html = client.get(page_url).get_data(as_text=True)
    version = current_version(db.session, KEY)
    definition = {**version.definition, "description": version.definition["description"] + "."}
    add_version(db.session, version.codebook, definition, actor=coded.users["lead"], note="x")
    db.session.commit()
    response = client.post(page_url, data={"csrf_token": csrf_from(html), "version": "1",
                                           "theme": ["usability"],
                                           "polarity-usability": "facilitator"})
    assert response.status_code == 400
    assert "codebook has changed" in response.get_data(as_text=True)
    assert human_codings(answer_id) == []


def test_a_post_without_the_token_is_refused(client, coded, coder):
    """CSRF applies to the coding form."""
    answer_id = waiting(coder)[0]
    response = client.post(answer_url(answer_id), data={"version": "1", "theme": "tech_bugs",
                                                        "polarity-tech_bugs": "barrier"})
    assert response.status_code == 400
    assert human_codings(answer_id) == []


def test_answer_text_is_escaped(client, coded, coder):
    """A stored <script> is shown as text in the queue, on the page and inside marks."""
    [answer] = add_patient_response(coded, "leeds", {
        "hindered": "<script>alert('x')</script> The app <b>crashed</b> & froze all the time."})
    queue_html = client.get(QUEUE).get_data(as_text=True)
    page_html = client.get(answer_url(answer.id)).get_data(as_text=True)
    for html in (queue_html, page_html):
        assert "<script>alert" not in html and "<b>crashed" not in html
        assert "&lt;script&gt;alert(" in html and "&amp; froze" in html


def test_people_are_badged_and_the_history_shows_decisions(app, client, coded, coder):
    """Another coder sees the person's badge and the history: who, what, never the text."""
    answer_id = waiting(coder)[0]
    [proposed] = machine_tags(answer_id)
    post_coding(client, answer_url(answer_id), {"tech_bugs": "barrier"})
    lead = signed_in(app, coded.users["lead"].email)
    html = lead.get(answer_url(answer_id)).get_data(as_text=True)
    assert "Person · Cora Coder" in html and "Machine · " in html
    history = html[html.index('id="history-heading"'):]
    assert "Cora Coder" in history
    assert "Rejected:" in history and "Added: Technical faults and bugs" in history
    text = fresh().get_one(Coding, human_codings(answer_id)[0].id).answer.value_text
    assert text[:30] not in history
    assert "Person · Cora Coder" not in lead.get(answer_url(answer_id, "therapist-support")) \
        .get_data(as_text=True)  # the history and codings are per codebook


def test_an_answer_from_another_group_or_item_is_404(client, coded, coder):
    """Only answers the codebook covers can be coded under it."""
    programme = fresh().scalar(select(Coding.answer_id).order_by(Coding.answer_id)) - 1
    assert client.get(answer_url(programme)).status_code == 404
    assert client.get(answer_url(10**9)).status_code == 404
    assert client.get(f"/coding/no-such-book/answers/{waiting(coder)[0]}").status_code == 404


def test_agreement_counts_people_and_leads_can_retrain(app, client, coded, coder):
    """The report compares the engine with people; a lead's retrain starts the job."""
    answer_id = waiting(coder)[0]
    post_coding(client, answer_url(answer_id), {"tech_bugs": "barrier"})
    html = client.get(f"/coding/{KEY}/agreement").get_data(as_text=True)
    assert "Over 1 answer coded by both" in html
    assert "Retrain from reviewers" not in html
    refused = client.post(f"/coding/{KEY}/retrain", data={"csrf_token": csrf_from(html)})
    assert refused.status_code == 403
    lead = signed_in(app, coded.users["lead"].email)
    html = lead.get(f"/coding/{KEY}/agreement").get_data(as_text=True)
    response = lead.post(f"/coding/{KEY}/retrain", data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    job = fresh().scalar(select(Job).order_by(Job.id.desc()))
    assert response.headers["Location"].endswith(f"/codebooks/jobs/{job.id}")
    assert (job.kind, job.params) == ("retrain", {"codebook": KEY})
    assert jobs.wait(job.id, timeout=300).state == "done"
    html = lead.get(f"/coding/{KEY}/agreement").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html and "The chart’s data" in html
