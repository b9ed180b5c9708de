"""Blind double-coding: drawing a sample, coding it blind, reconciling, and agreement."""

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Coding, CodingSample
from tests.conftest import csrf_from, fresh
from tests.web.coding.helpers import KEY, human_codings, post_coding, signed_in

NEW = f"/coding/{KEY}/samples/new"


@pytest.fixture
def people(app, coded):
    """Signed-in clients: the lead, the Leeds coder, and the Leeds manager made a coder."""
    coded.users["manager"].is_coder = True
    coded.users["therapist"].is_coder = True  # a coder, but not one of this sample's
    db.session.commit()
    return {who: signed_in(app, coded.users[who].email)
            for who in ("lead", "coder", "manager", "therapist")}


def draw(people, coded, size: int = 3, **extra):
    """Post the new-sample form as the lead."""
    lead = people["lead"]
    html = lead.get(NEW).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "name": "Spring <check>",
            "first_coder": coded.users["coder"].id, "second_coder": coded.users["manager"].id,
            "size": size, **extra}
    return lead.post(NEW, data=data)


@pytest.fixture
def sample(people, coded) -> CodingSample:
    """A sample of three answers for the coder and the manager."""
    response = draw(people, coded)
    assert response.status_code == 302
    return fresh().scalar(select(CodingSample))


def blind_url(sample: CodingSample, answer_id: int) -> str:
    """The blind coding page of one answer in the sample."""
    return f"/coding/samples/{sample.id}/answers/{answer_id}"


def code_all(client, sample: CodingSample, choose) -> None:
    """Code every answer of the sample blind, following the 'next' redirects."""
    html = client.get(f"/coding/samples/{sample.id}").get_data(as_text=True)
    url = re.search(r'href="(/coding/samples/\d+/answers/\d+)"[^>]*>Code the next', html).group(1)
    for _ in sample.answer_ids:
        answer_id = int(url.rsplit("/", 1)[1])
        response = post_coding(client, url, choose(answer_id))
        assert response.status_code == 302, response.get_data(as_text=True)
        url = response.headers["Location"]
    assert url.endswith(f"/coding/samples/{sample.id}")


def test_leads_draw_a_sample(people, coded, sample):
    """The form stores the sample with both coders; the name is escaped on the page."""
    assert sample.coders() == (coded.users["coder"].id, coded.users["manager"].id)
    assert len(sample.answer_ids) == 3
    html = people["lead"].get(f"/coding/samples/{sample.id}").get_data(as_text=True)
    assert "Spring &lt;check&gt;" in html and "Spring <check>" not in html


@pytest.mark.parametrize(("extra", "message"), [
    ({"second_coder": None}, "Choose a second coder other than the first."),
    ({"size": 0}, "Choose 1 to 500 answers."),
    ({"name": ""}, "Give the sample a name."),
])
def test_a_bad_sample_form_is_refused(people, coded, extra, message):
    """Errors come back as a 400 with the summary, and nothing is drawn."""
    if extra.get("second_coder", 1) is None:
        extra = {"second_coder": coded.users["coder"].id}
    response = draw(people, coded, **extra)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert fresh().scalar(select(CodingSample)) is None


def test_a_sample_needs_answers_left(people, coded, sample):
    """The domain's refusal (every answer already sampled) is shown, not a crash."""
    draw(people, coded, size=500)
    response = draw(people, coded)
    assert response.status_code == 400
    assert "no coded answers left" in response.get_data(as_text=True)


def test_only_leads_draw_samples(people):
    """Coders may not draw samples."""
    assert people["coder"].get(NEW).status_code == 403


def test_the_blind_page_shows_nothing_of_the_engine(people, sample):
    """No proposal, no badge, no marks, nothing ticked, no history."""
    html = people["coder"].get(blind_url(sample, sample.answer_ids[0])).get_data(as_text=True)
    assert "Code blind" in html
    assert "Machine ·" not in html and "proposed, score" not in html and "<mark" not in html
    assert " checked" not in html and "Coding history" not in html
    assert 'name="theme"' in html


def test_sampled_answers_stay_out_of_review(people, sample):
    """The queue leaves them out and the review page sends the sample's coders to blind coding."""
    answer_id = sample.answer_ids[0]
    queue = people["coder"].get(f"/coding/{KEY}/queue").get_data(as_text=True)
    assert f"/answers/{answer_id}\"" not in queue
    response = people["coder"].get(f"/coding/{KEY}/answers/{answer_id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(blind_url(sample, answer_id))


def test_people_outside_the_sample_get_404(people, sample):
    """Another coder cannot open the sample or any of its pages."""
    other = people["therapist"]
    answer_id = sample.answer_ids[0]
    for url in (f"/coding/samples/{sample.id}", blind_url(sample, answer_id),
                f"/coding/samples/{sample.id}/reconcile/{answer_id}"):
        assert other.get(url).status_code == 404
    assert other.get("/coding/samples/999999").status_code == 404


def test_a_lead_who_is_not_a_coder_of_it_cannot_code_blind(people, sample):
    """Leads see the sample but only its coders code it blind."""
    assert people["lead"].get(f"/coding/samples/{sample.id}").status_code == 200
    assert people["lead"].get(blind_url(sample, sample.answer_ids[0])).status_code == 403


def test_an_answer_outside_the_sample_is_404(people, sample):
    """The blind page only opens the sample's own answers."""
    outside = fresh().scalar(select(Coding.answer_id).where(
        Coding.answer_id.not_in(sample.answer_ids), Coding.kind == "machine"))
    assert people["coder"].get(blind_url(sample, outside)).status_code == 404


def test_both_code_then_reconcile_and_see_agreement(people, coded, sample):
    """Two blind codings, agreement with the engine as a third coder, then reconciliation."""
    first, *rest = sample.answer_ids
    coder_themes = {first: {"tech_bugs": "barrier", "usability": "barrier"}}
    manager_themes = {first: {"tech_bugs": "barrier", "usability": "neutral"}}
    people["coder"].get(f"/coding/samples/{sample.id}")
    code_all(people["coder"], sample, lambda a: coder_themes.get(a, {"usability": "neutral"}))
    html = people["manager"].get(f"/coding/samples/{sample.id}").get_data(as_text=True)
    assert "Reconcile answer" not in html and "overall-kappa" not in html
    assert people["manager"].get(f"/coding/samples/{sample.id}/reconcile/{first}") \
        .status_code == 302  # not yet: the manager has not coded it
    code_all(people["manager"], sample,
             lambda a: manager_themes.get(a, {"usability": "neutral"}))

    stored = fresh().scalars(select(Coding).where(Coding.sample_id == sample.id)).all()
    assert len(stored) == 2 * len(sample.answer_ids)
    assert all(c.kind == "human" for c in stored)

    html = people["lead"].get(f"/coding/samples/{sample.id}").get_data(as_text=True)
    assert f"/coding/samples/{sample.id}/reconcile/{first}" in html
    assert 'class="overall-kappa"' in html
    assert "Engine and Cora Coder" in html or "Cora Coder and Engine" in html
    assert "Cora Coder and Max Manager" in html
    assert "Krippendorff" in html

    url = f"/coding/samples/{sample.id}/reconcile/{first}"
    html = people["coder"].get(url).get_data(as_text=True)
    assert "Coder A" in html and "Coder B" in html and "Machine ·" in html
    assert "Person · Cora Coder" in html and "Person · Max Manager" in html
    assert 'value="tech_bugs" id="theme-tech_bugs" checked' in html
    assert 'id="polarity-tech_bugs-barrier" checked' in html
    assert 'value="usability" id="theme-usability" checked' in html
    assert 'id="polarity-usability-barrier" checked' not in html  # they disagreed

    response = post_coding(people["lead"], url, {"tech_bugs": "barrier", "usability": "neutral"})
    assert response.status_code == 302
    reconciled = [c for c in human_codings(first) if c.kind == "reconciled"]
    assert len(reconciled) == 1 and reconciled[0].sample_id == sample.id
    assert {(t.theme, t.polarity) for t in reconciled[0].tags} == \
        {("tech_bugs", "barrier"), ("usability", "neutral")}
    html = people["lead"].get(f"/coding/samples/{sample.id}").get_data(as_text=True)
    assert "1 of 3" in html


def test_the_blind_form_error_keeps_choices(people, sample):
    """A missing polarity on the blind form: 400, ticks kept, nothing stored."""
    answer_id = sample.answer_ids[0]
    response = post_coding(people["coder"], blind_url(sample, answer_id), {"tech_bugs": None})
    assert response.status_code == 400
    assert 'value="tech_bugs" id="theme-tech_bugs" checked' in response.get_data(as_text=True)
    assert human_codings(answer_id) == []
