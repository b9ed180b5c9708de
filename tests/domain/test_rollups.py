"""The rollups stay equal to a recount through every write path that moves a number."""

import pytest
from sqlalchemy import func, select

from portal.domain.codebook_edits import apply_change, merge_themes, split_theme
from portal.domain.codebooks import current_version
from portal.domain.review import TagInput, save_coding
from portal.domain.rollups import drift, rebuild, remove_responses
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.domain.tagging import choose_parts, retag
from portal.extensions import db
from portal.models import Answer, ScoreRollup, ThemeRollup
from portal.models.coding import RECONCILED


def icbt():
    """The current icbt-implementation version."""
    return current_version(db.session, "icbt-implementation")


def staff_answer(world, text: str, **scores) -> Answer:
    """Submit a therapist response with one text and some ORIC answers; its text answer."""
    submission = submit_response(
        db.session, version=world.instruments["therapist"].current,
        service=world.services["leeds"], invitation=world.links["therapist"],
        answers={"role": "therapist", "programme": "anxiety", "years_icbt": 1,
                 "hinders": text, **scores}, idempotency_key=new_idempotency_key())
    db.session.commit()
    return db.session.scalar(select(Answer).where(
        Answer.response_id == submission.response_id, Answer.item_id == "hinders"))


def test_submissions_fill_the_rollups(coded):
    assert drift(db.session) == []
    patients = db.session.scalar(select(func.sum(ThemeRollup.respondents)).where(
        ThemeRollup.kind == "polar", ThemeRollup.a == "*"))
    assert db.session.scalar(select(func.count()).select_from(ThemeRollup)) > 0
    assert patients is None or patients <= len(coded.responses) * 3  # one per codebook at most


def test_questionnaire_scores_are_rolled_up(world):
    staff_answer(world, "There is no time in the week for it.", oric_01=4, oric_02=2)
    row = db.session.scalar(select(ScoreRollup).where(ScoreRollup.construct == "oric:overall"))
    assert (row.n, row.total, row.total_sq) == (1, 3.0, 9.0)
    assert row.programme == "anxiety"
    assert drift(db.session) == []


@pytest.mark.parametrize("kind", ["human", RECONCILED])
def test_a_person_s_coding_moves_the_counts(coded, kind):
    answer = staff_answer(coded, "The login kept failing and nobody trained us.")
    save_coding(db.session, coded.users["lead"], answer, icbt(),
                [TagInput("tech_bugs", "barrier"), TagInput("training_needs", "barrier")],
                kind=kind)
    db.session.commit()
    assert drift(db.session) == []
    save_coding(db.session, coded.users["lead"], answer, icbt(),
                [TagInput("usability", "facilitator")], kind=kind)
    db.session.commit()
    assert drift(db.session) == []
    rows = {(r.a, r.b): r.mentions for r in db.session.scalars(select(ThemeRollup).where(
        ThemeRollup.kind == "theme", ThemeRollup.codebook_version_id == icbt().id,
        ThemeRollup.stakeholder_group == "therapist"))}
    assert rows == {("usability", "*"): 1, ("usability", "facilitator"): 1}


def test_a_rerun_keeps_the_counts_true(coded):
    answer = staff_answer(coded, "Too many clicks to find a patient's worksheet.")
    save_coding(db.session, coded.users["lead"], answer, icbt(),
                [TagInput("usability", "barrier")])
    db.session.commit()
    retag(db.session, icbt())
    assert drift(db.session) == []


def test_merge_and_split_recount_both_versions(coded):
    before = icbt()
    merged = merge_themes(before.definition, "tech_bugs", ["integration_it"])
    after = apply_change(db.session, before.codebook, merged, actor=coded.users["lead"],
                         note="merge", action="codebook.merge",
                         renamed={"integration_it": "tech_bugs"})
    db.session.commit()
    assert drift(db.session) == []
    assert not db.session.scalar(select(func.count()).select_from(ThemeRollup).where(
        ThemeRollup.codebook_version_id == before.id))
    parts = [{"id": "tech_bugs", "label": "Faults"}, {"id": "tech_access", "label": "Access"}]
    apply_change(db.session, after.codebook, split_theme(after.definition, "tech_bugs", parts),
                 actor=coded.users["lead"], note="split", action="codebook.split",
                 split=("tech_bugs", ["tech_bugs", "tech_access"]), choose=choose_parts)
    db.session.commit()
    assert drift(db.session) == []


def test_removing_a_response_takes_its_counts_out(coded):
    answer = staff_answer(coded, "Nobody trained us.", oric_01=5)
    remove_responses(db.session, [answer.response_id])
    db.session.delete(answer.response)
    db.session.commit()
    assert drift(db.session) == []


def test_removing_two_responses_of_one_cell_takes_both_out(coded):
    first = staff_answer(coded, "Nobody trained us.", oric_01=5)
    second = staff_answer(coded, "No time at all.", oric_01=3)
    counted = db.session.scalar(select(ScoreRollup.n).where(
        ScoreRollup.construct == "responses:therapist"))
    remove_responses(db.session, [first.response_id, second.response_id])
    for answer in (first, second):
        db.session.delete(answer.response)
    db.session.commit()
    assert drift(db.session) == []
    left = db.session.scalar(select(ScoreRollup.n).where(
        ScoreRollup.construct == "responses:therapist"))
    assert (left or 0) == counted - 2  # a row that falls to zero is dropped


def test_rebuild_repairs_a_damaged_rollup(coded):
    db.session.execute(ThemeRollup.__table__.update().values(mentions=ThemeRollup.mentions + 1))
    assert drift(db.session)
    rebuild(db.session)
    db.session.commit()
    assert drift(db.session) == []


def test_rebuild_works_on_a_session_bound_to_a_connection(coded):
    """Migration 0003 counts an existing database through a Connection-bound session."""
    from sqlalchemy.orm import Session

    from portal.domain import rollups

    rollups._STRUCTURES.clear()  # the version's structure must be built through that session
    db.session.execute(ThemeRollup.__table__.delete())
    db.session.commit()
    with db.engine.begin() as connection:
        session = Session(bind=connection)
        rebuild(session)
        session.flush()
    assert drift(db.session) == []
