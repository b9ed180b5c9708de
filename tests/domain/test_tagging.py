"""The auto-tagger in the write path and over stored answers: what is coded, and how."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.domain import tagging
from portal.domain.codebooks import current_version, current_versions, sync_codebooks
from portal.domain.review import TagInput, save_coding
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.domain.tagging import (
    TextAnswer,
    choose_parts,
    retag,
    tag_answers,
    taggable,
    tagger_for,
    text_answers,
    uncertainty,
)
from portal.extensions import db
from portal.models import Answer, Coding, Response, Tag, TaggerState
from portal.models.coding import POLARITIES
from portal.tagging.engine import ENGINE_NAME, Correction, Result, Tagger
from tests.conftest import PATIENT_TEXTS, fresh

PATIENT_CODEBOOKS = ["icbt-implementation", "therapist-support", "working-alliance"]
THERAPIST_ANSWERS = {"role": "therapist", "programme": "depression", "years_icbt": "3",
                     "hinders": "There is no protected time to review patients' messages.",
                     "helps": "Good training from the supplier."}


def submit_patient(world, answers: dict):
    """Submit a patient response through the Leeds poster link; the caller commits."""
    return submit_response(db.session, version=world.instruments["patient"].current,
                           service=world.services["leeds"], answers=answers,
                           idempotency_key=new_idempotency_key(),
                           invitation=world.links["patient"])


def submit_therapist(world, answers: dict = THERAPIST_ANSWERS):
    """Submit the Leeds therapist's own response; the caller commits."""
    return submit_response(db.session, version=world.instruments["therapist"].current,
                           service=world.services["leeds"], answers=answers,
                           idempotency_key=new_idempotency_key(), user=world.users["therapist"])


def codings_of_response(response_id: int, **where) -> list[Coding]:
    """A response's codings, optionally filtered by column values."""
    query = select(Coding).where(Coding.response_id == response_id)
    for column, value in where.items():
        query = query.where(getattr(Coding, column) == value)
    return list(db.session.scalars(query.order_by(Coding.id)))


def test_a_patient_answer_is_coded_by_each_patient_codebook(coded):
    """Two text answers x three codebooks: six machine codings, one per pair."""
    response_id = coded.responses[0].response_id
    codings = codings_of_response(response_id)
    assert len(codings) == 6
    pairs = {(c.answer.item_id, c.codebook_version.codebook.key) for c in codings}
    assert pairs == {(item, key) for item in ("helped", "hindered") for key in PATIENT_CODEBOOKS}
    assert all(c.kind == "machine" and c.current and not c.needs_review for c in codings)


def test_a_therapist_answer_is_coded_only_by_the_implementation_codebook(world):
    """Staff feedback goes through icbt-implementation alone."""
    submission = submit_therapist(world)
    db.session.commit()
    codings = codings_of_response(submission.response_id)
    assert sorted(c.answer.item_id for c in codings) == ["helps", "hinders"]
    assert {c.codebook_version.codebook.key for c in codings} == {"icbt-implementation"}


def test_choice_and_number_answers_are_never_coded(coded):
    """Only open-text items are coded, though choices are stored as text too."""
    therapist = submit_therapist(coded)
    db.session.commit()
    coded_items = set(db.session.scalars(select(Answer.item_id).join(
        Coding, Coding.answer_id == Answer.id)))
    assert coded_items == {"helped", "hindered", "helps", "hinders"}
    programme = db.session.scalar(select(Answer).where(
        Answer.response_id == therapist.response_id, Answer.item_id == "programme"))
    assert programme.value_text == "depression"
    version = current_version(db.session, "icbt-implementation")
    listed = {a.answer_id for a in text_answers(db.session, version)}
    assert programme.id not in listed
    assert len(listed) == 8 + 2


def test_tags_carry_their_provenance_spans_and_polarity(coded):
    """Every tag knows the engine, its version and codebook version; spans sit in the text."""
    session = db.session
    versions = {v.id: v for v in current_versions(session)}
    codings = session.scalars(select(Coding)).all()
    assert codings and sum(len(c.tags) for c in codings) >= len(codings)
    for coding in codings:
        version = versions[coding.codebook_version_id]
        assert coding.made_against_version_id == version.id
        assert (coding.tagger, coding.tagger_version) == (ENGINE_NAME,
                                                          tagger_for(session, version).version)
        assert coding.made_by == f"{ENGINE_NAME} {coding.tagger_version}"
        assert coding.tagger_version.endswith(".r0") and coding.coder_id is None
        assert 0.0 <= coding.uncertainty <= 1.0
        text = coding.answer.value_text
        for tag in coding.tags:
            assert tag.theme in version.theme_ids
            assert 0 <= tag.span_start < tag.span_end <= len(text)
            assert text[tag.span_start:tag.span_end].strip()
            assert 0.0 <= tag.score <= 1.0 and tag.carried_from is None
            if version.codebook.key == "icbt-implementation":
                assert tag.polarity in POLARITIES
            else:
                assert tag.polarity is None


def test_the_fault_is_tagged_as_a_technical_barrier(coded):
    """A plain complaint about being logged out is a tech_bugs barrier on its whole sentence."""
    answer = db.session.scalar(select(Answer).where(
        Answer.value_text == PATIENT_TEXTS[0]["hindered"]))
    coding = db.session.scalar(select(Coding).where(
        Coding.answer_id == answer.id, Coding.codebook_version_id ==
        current_version(db.session, "icbt-implementation").id))
    assert [(t.theme, t.polarity, t.span_start, t.span_end) for t in coding.tags] == [
        ("tech_bugs", "barrier", 0, len(answer.value_text))]


def test_a_rolled_back_submission_leaves_no_codings(world):
    """Answers and their codings share the transaction: a rollback undoes both."""
    submission = submit_patient(world, {"helped": "Having a supporter who wrote back."})
    assert codings_of_response(submission.response_id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Coding)) == 0
    assert db.session.scalar(select(func.count()).select_from(Tag)) == 0
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_retried_submission_is_not_coded_twice(world):
    """The same idempotency key returns the first response without a second coding."""
    key = new_idempotency_key()
    kwargs = {"version": world.instruments["patient"].current,
              "service": world.services["leeds"], "idempotency_key": key,
              "answers": {"helped": "Having a supporter who wrote back."},
              "invitation": world.links["patient"]}
    first = submit_response(db.session, **kwargs)
    db.session.commit()
    again = submit_response(db.session, **kwargs)
    db.session.commit()
    assert not again.created and again.response_id == first.response_id
    assert len(codings_of_response(first.response_id)) == 3


@pytest.mark.parametrize("text", ["", "   ", "-", "ok", None, 42])
def test_empty_and_tiny_answers_are_not_worth_coding(text):
    """Blank, one- and two-character answers, and non-text, are left alone."""
    assert not taggable(text)


def test_n_a_is_not_worth_coding():
    """The comment's example of a content-free answer is not coded."""
    assert not taggable("n/a")


def test_tag_answers_skips_blank_answers_and_groups_a_codebook_does_not_code(coded):
    """Nothing is written for a blank answer, or under a codebook that does not code the group."""
    session = db.session
    answer = session.scalar(select(Answer).where(Answer.item_id == "helped"))
    versions = {v.codebook.key: v for v in current_versions(session)}
    assert tag_answers(session, [TextAnswer(answer.id, answer.response_id, "  ", "patient")]) == 0
    as_vendor = TextAnswer(answer.id, answer.response_id, answer.value_text, "vendor")
    assert tag_answers(session, [as_vendor], [versions["working-alliance"]]) == 0
    assert tag_answers(session, [as_vendor]) == 1  # only icbt-implementation codes vendors
    session.rollback()


def test_retag_replaces_machine_codings_and_leaves_people_s_alone(coded):
    """Old machine codings stay, not current; new ones are written; a human coding is untouched."""
    session = db.session
    version = current_version(session, "working-alliance")
    answer = session.scalar(select(Answer).where(Answer.item_id == "helped"))
    human = save_coding(session, coded.users["coder"], answer, version, [TagInput("guidance")])
    session.commit()
    old = {c.id for c in session.scalars(select(Coding).where(
        Coding.kind == "machine", Coding.codebook_version_id == version.id))}
    others = {c.id for c in session.scalars(select(Coding).where(
        Coding.codebook_version_id != version.id))}
    seen = []
    assert retag(session, version, progress=lambda done, total: seen.append((done, total))) == 8
    fresh()
    assert seen == [(8, 8)]
    machine = session.scalars(select(Coding).where(
        Coding.kind == "machine", Coding.codebook_version_id == version.id)).all()
    assert {c.id for c in machine if not c.current} == old
    new = [c for c in machine if c.current]
    assert len(new) == 8 and not {c.id for c in new} & old
    assert session.get(Coding, human.id).current
    assert all(c.current for c in session.scalars(select(Coding).where(Coding.id.in_(others))))


def test_retag_without_commit_leaves_the_transaction_to_the_caller(coded):
    """With commit=False a rollback undoes the whole run."""
    session = db.session
    version = current_version(session, "therapist-support")
    before = session.scalar(select(func.count()).select_from(Coding))
    assert retag(session, version, commit=False) == 8
    assert session.scalar(select(func.count()).select_from(Coding)) == before + 8
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Coding)) == before
    assert session.scalar(select(func.count()).select_from(Coding).where(
        Coding.current.is_(False))) == 0


def test_uncertainty_is_bounded_and_highest_for_a_tie():
    """Margin sampling: a clear winner is near 0, a tie is 1, no scores at all is 1."""
    clear = Result(themes=["a"], scores={"a": 0.95, "b": 0.05, "c": 0.01}, polarity=None,
                   mentions=[])
    close = Result(themes=["a"], scores={"a": 0.6, "b": 0.5}, polarity=None, mentions=[])
    tie = Result(themes=["a"], scores={"a": 0.5, "b": 0.5}, polarity=None, mentions=[])
    alone = Result(themes=["a"], scores={"a": 0.75}, polarity=None, mentions=[])
    empty = Result(themes=[], scores={}, polarity=None, mentions=[])
    values = [uncertainty(r) for r in (clear, close, tie, alone, empty)]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert values == pytest.approx([0.1, 0.9, 1.0, 0.25, 1.0])
    assert uncertainty(clear) < uncertainty(close) < uncertainty(tie)


def test_stored_uncertainty_matches_the_engine(coded):
    """The queue's ordering value is the margin of the engine's own scores."""
    session = db.session
    version = current_version(session, "icbt-implementation")
    coding = session.scalars(select(Coding).where(
        Coding.codebook_version_id == version.id).order_by(Coding.id)).first()
    result = tagger_for(session, version).tag([coding.answer.value_text])[0]
    assert coding.uncertainty == uncertainty(result)


def test_tagger_for_uses_the_codebook_definition(app):
    """Without a retrained state, the engine is built from the version and is revision 0."""
    session = db.session
    version = current_version(session, "working-alliance")
    tagger = tagger_for(session, version)
    assert tagger.theme_ids == version.theme_ids and tagger.revision == 0
    assert tagger_for(session, version) is tagger
    assert not tagger.polarity_enabled
    assert tagger_for(session, current_version(session, "icbt-implementation")).polarity_enabled


def test_tagger_for_builds_each_database_s_own_retrained_engine(app, tmp_path, monkeypatch):
    """Two databases with different stored states get different engines."""
    monkeypatch.setattr(tagging, "_PLANS", {})  # leave no stale engine behind for other tests
    stored = {}
    other = create_app({"TESTING": True, "SECRET_KEY": "x",
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}"})
    for name, target, correction in (
            ("first", app, Correction("Nobody explained the homework.", "usability", False)),
            ("second", other, Correction("Parking at the clinic costs a fortune.",
                                         "costs_funding", True))):
        with target.app_context():
            if target is other:
                db.create_all()
                sync_codebooks(db.session, Path(target.config["SURVEYS_DIR"]))
            version = current_version(db.session, "icbt-implementation")
            trained = Tagger.for_definition(version.definition, [correction], revision=1)
            db.session.add(TaggerState(codebook_id=version.codebook_id,
                                       codebook_version_id=version.id, revision=1,
                                       state=trained.to_state(), corrections=1))
            db.session.commit()
            stored[name] = tagger_for(db.session, version).to_state()["memory"]["themes"]
            if target is other:
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
    assert stored == {"first": ["usability"], "second": ["costs_funding"]}


def test_choose_parts_picks_one_of_the_parts_per_passage(app):
    """Each passage goes to the named part the engine scores highest."""
    session = db.session
    version = current_version(session, "icbt-implementation")
    passages = ["The app crashed and logged me out.", "It costs the service too much money."]
    chosen = choose_parts(version, passages, ["tech_bugs", "costs_funding"])
    assert chosen == ["tech_bugs", "costs_funding"]
    assert choose_parts(version, [], ["tech_bugs", "costs_funding"]) == []


def test_precode_does_the_engine_s_work_before_the_write(world, monkeypatch):
    """After precode, the write path stores the same coding without running the engine."""
    answers = {"programme": "depression",
               "hindered": "The app kept logging me out.\r\nIt was maddening."}
    tagging.precode(db.session, world.instruments["patient"].current, answers)

    def refuse(*_args, **_kwargs):
        raise AssertionError("the engine ran inside the write")

    monkeypatch.setattr(Tagger, "tag", refuse)
    submission = submit_patient(world, answers)
    db.session.commit()
    themes = {t.theme for c in codings_of_response(submission.response_id) for t in c.tags}
    assert "tech_bugs" in themes
