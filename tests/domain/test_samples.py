"""Blind double-coding samples: drawing them, coding blind, progress and side-by-side codings."""

import pytest
from sqlalchemy import select

from portal.domain.accounts import create_user
from portal.domain.codebooks import current_version
from portal.domain.invitations import create_invitation
from portal.domain.review import TagInput, save_coding
from portal.domain.samples import (
    MAX_SAMPLE,
    SampleError,
    create_sample,
    find_sample,
    next_blind,
    progress,
    sample_codings,
    visible_samples,
)
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.extensions import db
from portal.models import Answer, AuditEvent, Coding, Role
from tests.conftest import PASSWORD


@pytest.fixture
def pair(coded):
    """The coded world plus a Bristol coder, a second Leeds coder and one Bristol response."""
    session = db.session
    users = coded.users
    for key, email, service in (("bristol_coder", "bc@x.test", "bristol"),
                                ("second_coder", "sc@x.test", "leeds")):
        users[key] = create_user(session, email=email, name=key.replace("_", " ").title(),
                                 password=PASSWORD, role=Role.THERAPIST,
                                 service=coded.services[service])
        users[key].is_coder = True
    link = create_invitation(session, service=coded.services["bristol"],
                             instrument=coded.instruments["patient"], created_by=users["lead"],
                             label="Bristol poster", days_valid=30, max_uses=10)
    submit_response(session, version=coded.instruments["patient"].current,
                    service=coded.services["bristol"],
                    answers={"helped": "Short videos I could watch on the bus."},
                    idempotency_key=new_idempotency_key(), invitation=link)
    session.commit()
    return coded


def icbt():
    """The current implementation codebook version."""
    return current_version(db.session, "icbt-implementation")


def draw(world, size: int = 3, first: str = "coder", second: str = "second_coder", **kwargs):
    """Draw an icbt-implementation sample as the lead; the caller commits."""
    return create_sample(db.session, world.users["lead"], icbt(),
                         **{"name": "Pilot", "first": world.users[first],
                            "second": world.users[second], "size": size, "seed": 3, **kwargs})


@pytest.mark.parametrize(("changes", "message"), [
    ({"second": "coder"}, "two different coders"),
    ({"second": "therapist"}, "Both people must be coders"),
    ({"first": "vendor"}, "Both people must be coders"),
    ({"size": 0}, "between 1 and 500"),
    ({"size": MAX_SAMPLE + 1}, "between 1 and 500"),
    ({"name": "   "}, "Give the sample a name"),
])
def test_a_sample_that_makes_no_sense_is_refused(pair, changes, message):
    """Two different coders, a sensible size and a name are required."""
    kwargs = {"first": "coder", "second": "second_coder", **changes}
    users = {k: pair.users[kwargs.pop(k)] for k in ("first", "second")}
    with pytest.raises(SampleError, match=message):
        create_sample(db.session, pair.users["lead"], icbt(),
                      **{"name": "Pilot", "size": 3, **users, **kwargs})


def test_a_sample_is_drawn_from_answers_both_coders_may_code(pair):
    """A Leeds coder and a lead share only Leeds answers; Bristol's is never drawn."""
    sample = draw(pair, size=MAX_SAMPLE, second="lead")
    db.session.commit()
    leeds = {a for a in sample.answer_ids
             if db.session.get(Answer, a).response.service_id == pair.services["leeds"].id}
    assert len(sample.answer_ids) == 8 and leeds == set(sample.answer_ids)
    assert sample.answer_ids == sorted(sample.answer_ids)


def test_coders_at_different_services_share_nothing_to_draw(pair):
    """A Leeds coder and a Bristol coder may not both see any answer."""
    with pytest.raises(SampleError, match="no coded answers left"):
        draw(pair, first="coder", second="bristol_coder")


def test_an_answer_is_in_one_sample_at_a_time(pair):
    """Answers already sampled for the codebook are not drawn again."""
    first = draw(pair, size=5)
    second = draw(pair, size=5, name="Second")
    assert len(second.answer_ids) == 3 and not set(first.answer_ids) & set(second.answer_ids)
    with pytest.raises(SampleError, match="no coded answers left"):
        draw(pair, name="Third")


def test_the_same_seed_draws_the_same_answers(pair):
    """A seed makes the draw repeatable, and the sample is audited."""
    drawn = draw(pair, size=4, seed=11).answer_ids
    db.session.rollback()
    again = draw(pair, size=4, seed=11, name="  Pilot again  ")
    db.session.commit()
    assert again.answer_ids == drawn and again.name == "Pilot again"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sample.create"))
    assert event.subject_id == again.id and event.actor_id == pair.users["lead"].id
    assert event.after == {"coders": [pair.users["coder"].id, pair.users["second_coder"].id],
                           "size": 4, "codebook_version": 1}


def test_next_blind_walks_the_sample_for_each_coder_apart(pair):
    """Each coder gets the first answer they have not coded; None once all are done."""
    sample = draw(pair, size=2)
    db.session.commit()
    coder, second = pair.users["coder"], pair.users["second_coder"]
    first_id, second_id = sample.answer_ids
    assert next_blind(db.session, coder, sample) == first_id
    save_coding(db.session, coder, db.session.get(Answer, first_id), icbt(), [], sample=sample)
    assert next_blind(db.session, coder, sample) == second_id
    assert next_blind(db.session, second, sample) == first_id
    save_coding(db.session, coder, db.session.get(Answer, second_id), icbt(), [], sample=sample)
    assert next_blind(db.session, coder, sample) is None


def test_a_blind_coding_is_audited_as_blind(pair):
    """The engine's proposal is not compared against a coder who never saw it."""
    sample = draw(pair, size=1)
    answer = db.session.get(Answer, sample.answer_ids[0])
    coding = save_coding(db.session, pair.users["coder"], answer, icbt(),
                         [TagInput("usability", "neutral")], sample=sample)
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "coding.human"))
    assert event.after == {"coding": coding.id, "kind": "human",
                           "tags": [{"theme": "usability", "polarity": "neutral"}],
                           "blind": True, "added": ["usability"]}
    assert coding.sample_id == sample.id


def test_progress_counts_each_coder_and_the_reconciliation(pair):
    """Counts rise per coder; ready to reconcile only when both have finished."""
    sample = draw(pair, size=2)
    coder, second, lead = (pair.users[k] for k in ("coder", "second_coder", "lead"))
    answers = [db.session.get(Answer, a) for a in sample.answer_ids]
    start = progress(db.session, sample)
    assert (start.size, start.first_done, start.second_done, start.reconciled) == (2, 0, 0, 0)
    for answer in answers:
        save_coding(db.session, coder, answer, icbt(), [], sample=sample)
        save_coding(db.session, coder, answer, icbt(), [], sample=sample)  # a re-save
    save_coding(db.session, second, answers[0], icbt(), [], sample=sample)
    done = progress(db.session, sample)
    assert (done.size, done.first_done, done.second_done, done.reconciled) == (2, 2, 1, 0)
    assert not done.ready_to_reconcile
    save_coding(db.session, second, answers[1], icbt(), [], sample=sample)
    save_coding(db.session, lead, answers[0], icbt(), [], sample=sample, kind="reconciled")
    save_coding(db.session, lead, answers[0], icbt(), [], sample=sample, kind="reconciled")
    done = progress(db.session, sample)
    assert (done.first_done, done.second_done, done.reconciled) == (2, 2, 1)
    assert done.ready_to_reconcile


def test_sample_codings_sets_each_coder_beside_the_engine(pair):
    """Each coder's themes per answer, plus the engine's, without the reconciled coding."""
    sample = draw(pair, size=2)
    coder, second, lead = (pair.users[k] for k in ("coder", "second_coder", "lead"))
    first_id, second_id = sample.answer_ids
    save_coding(db.session, coder, db.session.get(Answer, first_id), icbt(),
                [TagInput("usability", "neutral")], sample=sample)
    save_coding(db.session, second, db.session.get(Answer, first_id), icbt(), [], sample=sample)
    save_coding(db.session, lead, db.session.get(Answer, first_id), icbt(),
                [TagInput("tech_bugs", "neutral")], sample=sample, kind="reconciled")
    db.session.commit()
    found = sample_codings(db.session, sample)
    assert set(found) == {"engine", f"user:{coder.id}", f"user:{second.id}"}
    assert found[f"user:{coder.id}"] == {first_id: {"usability"}}
    assert found[f"user:{second.id}"] == {first_id: set()}
    assert set(found["engine"]) == {first_id, second_id}


def test_the_engine_in_a_sample_is_its_codebook_s_engine(pair):
    """The engine's themes are those of the sample's codebook."""
    sample = draw(pair, size=8)
    found = sample_codings(db.session, sample)
    engine = {c.answer_id: {t.theme for t in c.tags} for c in db.session.scalars(
        select(Coding).where(Coding.codebook_version_id == icbt().id,
                             Coding.kind == "machine"))}
    assert found["engine"] == {a: engine[a] for a in sample.answer_ids}


def test_samples_are_visible_to_their_coders_and_leads(pair):
    """A sample's coders and leads find it; another coder and non-coders do not."""
    sample = draw(pair, size=1)
    db.session.commit()
    codebook = icbt().codebook
    for who, sees in (("coder", True), ("second_coder", True), ("lead", True),
                      ("admin", True), ("bristol_coder", False), ("therapist", False)):
        user = pair.users[who]
        assert (find_sample(db.session, user, sample.id) is not None) is sees, who
        assert (sample in visible_samples(db.session, user, codebook)) is sees, who
    assert find_sample(db.session, pair.users["lead"], 10**6) is None
