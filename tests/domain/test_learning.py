"""Learning from reviewers: corrections from people's codings, retraining, re-coding with it."""

import pytest
from sqlalchemy import func, select

from portal.domain import tagging
from portal.domain.codebooks import current_version
from portal.domain.learning import corrections, last_snapshot, retrain
from portal.domain.review import TagInput, save_coding
from portal.domain.tagging import retag, tagger_for
from portal.extensions import db
from portal.models import AgreementSnapshot, Answer, Coding, TaggerState
from portal.tagging.engine import Correction
from tests.conftest import PATIENT_TEXTS, fresh

FAULT = PATIENT_TEXTS[0]["hindered"]  # the engine proposes tech_bugs
WORKSHEETS = PATIENT_TEXTS[3]["helped"]


@pytest.fixture(autouse=True)
def no_cached_taggers(monkeypatch):
    """Start with no cached engines: the cache is keyed by a row id other databases reuse."""
    monkeypatch.setattr(tagging, "_PLANS", {})


def icbt():
    """The current implementation codebook version."""
    return current_version(db.session, "icbt-implementation")


def answer_of(text: str) -> Answer:
    """The stored answer with exactly this text."""
    return db.session.scalar(select(Answer).where(Answer.value_text == text))


def machine_themes(answer: Answer) -> set[str]:
    """The themes of the answer's current machine coding under icbt-implementation."""
    coding = db.session.scalar(select(Coding).where(
        Coding.answer_id == answer.id, Coding.codebook_version_id == icbt().id,
        Coding.kind == "machine", Coding.current.is_(True)))
    return {t.theme for t in coding.tags}


def test_no_person_coded_anything_so_nothing_is_learned(coded):
    """Machine codings alone are no corrections; retrain stores nothing."""
    assert corrections(db.session, icbt()) == []
    assert retrain(db.session, icbt()) is None
    assert db.session.scalar(select(func.count()).select_from(TaggerState)) == 0
    assert db.session.scalar(select(func.count()).select_from(AgreementSnapshot)) == 0


def test_a_coding_gives_positives_with_passages_and_negatives_for_rejections(coded):
    """Applied themes teach their passage; a dropped proposal is a counter-example."""
    save_coding(db.session, coded.users["coder"], answer_of(FAULT), icbt(),
                [TagInput("usability", "barrier", 0, 30), TagInput("data_protection", "neutral")])
    db.session.commit()
    assert sorted(corrections(db.session, icbt()), key=lambda c: c.theme) == [
        Correction(FAULT, "data_protection", True),
        Correction(FAULT, "tech_bugs", False),
        Correction(FAULT[:30], "usability", True),
    ]


def test_accepting_the_proposal_teaches_only_positives(coded):
    """Agreeing with the engine is a positive example of the theme it proposed."""
    save_coding(db.session, coded.users["coder"], answer_of(FAULT), icbt(),
                [TagInput("tech_bugs", "barrier")])
    db.session.commit()
    assert corrections(db.session, icbt()) == [Correction(FAULT, "tech_bugs", True)]


def test_the_reconciled_coding_is_the_final_word(coded):
    """Where two people disagreed, what they reconciled on is what is learned."""
    answer = answer_of(WORKSHEETS)
    save_coding(db.session, coded.users["coder"], answer, icbt(),
                [TagInput("information_evidence", "facilitator")])
    save_coding(db.session, coded.users["lead"], answer, icbt(),
                [TagInput("usability", "facilitator"),
                 TagInput("information_evidence", "facilitator")], kind="reconciled")
    db.session.commit()
    learned = {(c.theme, c.applies) for c in corrections(db.session, icbt())}
    assert learned == {("usability", True), ("information_evidence", True)}


def test_corrections_ignore_other_codebooks(coded):
    """A working-alliance coding teaches nothing about icbt-implementation."""
    save_coding(db.session, coded.users["coder"], answer_of(FAULT),
                current_version(db.session, "working-alliance"), [TagInput("ease_of_use")])
    db.session.commit()
    assert corrections(db.session, icbt()) == []


def test_retrain_stores_revision_one_and_a_snapshot_of_the_engine_before_it(coded):
    """The state is revision 1, learned from the corrections; the snapshot names revision 0."""
    before = tagger_for(db.session, icbt()).version
    save_coding(db.session, coded.users["coder"], answer_of(FAULT), icbt(),
                [TagInput("data_protection", "barrier")])
    db.session.commit()
    state = retrain(db.session, icbt())
    db.session.commit()
    stored = fresh().get(TaggerState, state.id)
    assert (stored.revision, stored.corrections, stored.codebook_version_id) == (1, 2, icbt().id)
    assert stored.state["revision"] == 1 and stored.state["themes"] == icbt().theme_ids
    snapshot = last_snapshot(db.session, icbt())
    assert snapshot.tagger_version == before and before.endswith(".r0")
    assert snapshot.units == 1 and snapshot.codebook_id == icbt().codebook_id
    assert set(snapshot.per_theme) == set(icbt().theme_ids)
    assert tagger_for(db.session, icbt()).version == before[:-1] + "1"


def test_retraining_again_makes_the_next_revision(coded):
    """Revisions count up per codebook; each retrain leaves a snapshot."""
    save_coding(db.session, coded.users["coder"], answer_of(FAULT), icbt(),
                [TagInput("tech_bugs", "barrier")])
    db.session.commit()
    first = retrain(db.session, icbt())
    db.session.commit()
    second = retrain(db.session, icbt())
    db.session.commit()
    assert (first.revision, second.revision) == (1, 2)
    snapshots = db.session.scalars(select(AgreementSnapshot).order_by(AgreementSnapshot.id))
    assert [s.tagger_version[-3:] for s in snapshots] == [".r0", ".r1"]


def test_after_retraining_a_recode_applies_the_corrected_theme(coded):
    """The engine learns: the re-coded answer carries the theme the coder gave, as version .r1."""
    answer = answer_of(FAULT)
    assert "data_protection" not in machine_themes(answer)
    save_coding(db.session, coded.users["coder"], answer, icbt(),
                [TagInput("data_protection", "barrier")])
    db.session.commit()
    retrain(db.session, icbt())
    db.session.commit()
    assert retag(db.session, icbt()) == 8
    fresh()
    assert "data_protection" in machine_themes(answer)
    machine = db.session.scalars(select(Coding).where(
        Coding.codebook_version_id == icbt().id, Coding.kind == "machine",
        Coding.current.is_(True))).all()
    assert len(machine) == 8 and all(c.tagger_version.endswith(".r1") for c in machine)
    others = db.session.scalars(select(Coding).where(
        Coding.codebook_version_id != icbt().id, Coding.kind == "machine",
        Coding.current.is_(True))).all()
    assert others and all(c.tagger_version.endswith(".r0") for c in others)
