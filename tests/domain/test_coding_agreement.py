"""Agreement from stored codings: the engine against people's final word, and the report."""

import pytest
from sqlalchemy import select

from portal.domain.codebooks import current_version
from portal.domain.coding_agreement import (
    ENGINE,
    PEOPLE,
    engine_and_people,
    history,
    report,
    take_snapshot,
)
from portal.domain.review import TagInput, save_coding
from portal.extensions import db
from portal.models import Answer, Coding
from tests.conftest import PATIENT_TEXTS

FAULT = PATIENT_TEXTS[0]["hindered"]
WORKSHEETS = PATIENT_TEXTS[3]["helped"]
# Three answers, two themes: the engine misses "a" on unit 2; otherwise they agree.
HAND_BUILT = {"engine": {1: {"a"}, 2: {"b"}, 3: set()},
              "people": {1: {"a"}, 2: {"a", "b"}, 3: set()}}


def icbt():
    """The current implementation codebook version."""
    return current_version(db.session, "icbt-implementation")


def answer_of(text: str) -> Answer:
    """The stored answer with exactly this text."""
    return db.session.scalar(select(Answer).where(Answer.value_text == text))


def engine_themes(answer: Answer) -> set[str]:
    """The engine's current themes for the answer under icbt-implementation."""
    coding = db.session.scalar(select(Coding).where(
        Coding.answer_id == answer.id, Coding.codebook_version_id == icbt().id,
        Coding.kind == "machine", Coding.current.is_(True)))
    return {t.theme for t in coding.tags}


def test_the_report_on_a_hand_built_case():
    """Pooled kappa 2/3 (5 of 6 decisions agree, chance 1/2); alpha 24/35; per theme too."""
    found = report(HAND_BUILT, ["a", "b"])
    assert found.coders == ["engine", "people"] and found.units == 3
    assert found.kappa == pytest.approx(2 / 3)
    assert found.alpha == pytest.approx(24 / 35)
    assert found.pairs == {("engine", "people"): pytest.approx(2 / 3)}
    by_theme = {t.theme: t for t in found.themes}
    # Theme a: engine [1, 0, 0], people [1, 1, 0] -> p_o 2/3, p_e 4/9 -> kappa 0.4.
    assert by_theme["a"].kappa == pytest.approx(0.4)
    assert by_theme["a"].positives == {"engine": 1, "people": 2}
    assert by_theme["b"].kappa == pytest.approx(1.0) and by_theme["b"].units == 3


def test_the_report_counts_only_units_coded_twice():
    """A unit only one coder saw is no evidence of agreement."""
    found = report({"engine": {**HAND_BUILT["engine"], 4: {"a"}},
                    "people": HAND_BUILT["people"]}, ["a", "b"])
    assert found.units == 3 and found.kappa == pytest.approx(2 / 3)


def test_the_report_of_nothing_is_undefined():
    """With no shared units, kappa and alpha are None rather than a number."""
    found = report({"engine": {1: {"a"}}, "people": {2: {"a"}}}, ["a"])
    assert (found.units, found.kappa, found.alpha) == (0, None, None)


def test_engine_and_people_covers_only_answers_a_person_coded(coded):
    """Answers nobody has coded are left out of both sides."""
    fault = answer_of(FAULT)
    save_coding(db.session, coded.users["coder"], fault, icbt(), [TagInput("usability",
                                                                           "barrier")])
    db.session.commit()
    found = engine_and_people(db.session, icbt())
    assert found == {ENGINE: {fault.id: engine_themes(fault)}, PEOPLE: {fault.id: {"usability"}}}


def test_a_reconciled_coding_outranks_a_later_human_one(coded):
    """People's final word is the reconciled coding, even when a coder saved again after it."""
    answer = answer_of(WORKSHEETS)
    save_coding(db.session, coded.users["coder"], answer, icbt(),
                [TagInput("information_evidence", "facilitator")])
    save_coding(db.session, coded.users["lead"], answer, icbt(),
                [TagInput("usability", "facilitator")], kind="reconciled")
    save_coding(db.session, coded.users["coder"], answer, icbt(),
                [TagInput("patient_engagement", "neutral")])
    db.session.commit()
    assert engine_and_people(db.session, icbt())[PEOPLE] == {answer.id: {"usability"}}


def test_without_reconciliation_the_latest_human_coding_counts(coded):
    """Of two coders' codings, the more recent one is people's word."""
    answer = answer_of(WORKSHEETS)
    save_coding(db.session, coded.users["coder"], answer, icbt(),
                [TagInput("information_evidence", "facilitator")])
    save_coding(db.session, coded.users["lead"], answer, icbt(),
                [TagInput("usability", "facilitator")])
    db.session.commit()
    assert engine_and_people(db.session, icbt())[PEOPLE] == {answer.id: {"usability"}}


def test_a_snapshot_records_the_engine_s_agreement_with_people(coded):
    """Agreeing on one answer and disagreeing on another gives a stored, charted measurement."""
    fault, worksheets = answer_of(FAULT), answer_of(WORKSHEETS)
    save_coding(db.session, coded.users["coder"], fault, icbt(),
                [TagInput(t, "barrier") for t in sorted(engine_themes(fault))])
    save_coding(db.session, coded.users["coder"], worksheets, icbt(),
                [TagInput("patient_engagement", "neutral")])
    db.session.commit()
    expected = report(engine_and_people(db.session, icbt()), icbt().theme_ids)
    snapshot = take_snapshot(db.session, icbt(), "uptake-static test")
    db.session.commit()
    assert (snapshot.units, snapshot.kappa, snapshot.alpha) == (2, expected.kappa,
                                                               expected.alpha)
    assert expected.kappa is not None and expected.kappa < 1.0
    assert snapshot.per_theme["tech_bugs"]["units"] == 2
    assert [s.id for s in history(db.session, icbt())] == [snapshot.id]
