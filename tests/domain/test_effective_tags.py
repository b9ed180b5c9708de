"""The tags that count: reconciled over human over machine, newest within a kind."""

from portal.domain.codebooks import current_version
from portal.domain.effective_tags import effective_tags
from portal.domain.review import TagInput, codable_answer, save_coding
from portal.extensions import db


def themes_of(answer_id: int, version) -> list[tuple[str, bool]]:
    """The effective (theme, machine) pairs of one answer."""
    rows = db.session.execute(effective_tags([version.id])).all()
    return sorted((r.theme, r.machine) for r in rows if r.answer_id == answer_id)


def test_people_s_coding_replaces_the_engine_s(coded):
    """Before review the engine's tags count; after, the coder's; after reconciling, that."""
    version = current_version(db.session, "icbt-implementation")
    rows = db.session.execute(effective_tags([version.id])).all()
    answer_id = rows[0].answer_id
    assert all(machine for _, machine in themes_of(answer_id, version))
    answer = codable_answer(db.session, coded.users["lead"], answer_id)
    save_coding(db.session, coded.users["lead"], answer, version,
                [TagInput("work_structures", "barrier")])
    db.session.commit()
    assert themes_of(answer_id, version) == [("work_structures", False)]
    save_coding(db.session, coded.users["coder"], answer, version,
                [TagInput("usability", "facilitator")])
    db.session.commit()
    assert themes_of(answer_id, version) == [("usability", False)]  # the newest human coding
    save_coding(db.session, coded.users["lead"], answer, version,
                [TagInput("tech_bugs", "barrier")], kind="reconciled")
    db.session.commit()
    assert themes_of(answer_id, version) == [("tech_bugs", False)]


def test_one_effective_coding_per_answer_and_version(coded):
    """Every answer appears under each codebook version through exactly one coding."""
    from portal.domain.effective_tags import effective_codings

    rows = db.session.execute(effective_codings()).all()
    keys = [(r.answer_id, r.codebook_version_id) for r in rows]
    assert len(keys) == len(set(keys)) == 24


def test_the_python_ranking_agrees_with_the_sql_one(coded):
    """effective_tag_rows (for a few named responses) picks the same tags as the SQL form."""
    from portal.domain.effective_tags import effective_tag_rows
    from portal.models.coding import RECONCILED

    version = current_version(db.session, "icbt-implementation")
    answer_ids = sorted({r.answer_id for r in db.session.execute(effective_tags([version.id]))})
    first, second = (codable_answer(db.session, coded.users["lead"], a) for a in answer_ids[:2])
    save_coding(db.session, coded.users["lead"], first, version,
                [TagInput("work_structures", "barrier")])
    save_coding(db.session, coded.users["coder"], first, version,
                [TagInput("usability", "neutral")])
    save_coding(db.session, coded.users["lead"], second, version,
                [TagInput("tech_bugs", "barrier")], kind=RECONCILED)
    db.session.commit()
    responses = sorted({r.response_id for r in db.session.execute(effective_tags())})
    by_sql = sorted((r.response_id, r.codebook_version_id, r.answer_id, r.theme, r.polarity)
                    for r in db.session.execute(effective_tags()))
    assert sorted(effective_tag_rows(db.session, responses)) == by_sql
