"""The tags that count for an answer: people's final word where there is one, else the engine's.

Dashboards aggregate these. Per answer and codebook version, a reconciled coding wins over a
human one, and a human one over the machine's; within a kind the newest wins.
"""

from collections.abc import Collection

from sqlalchemy import Select, and_, case, exists, select
from sqlalchemy.orm import Session, aliased

from portal.models import Coding, Tag
from portal.models.coding import HUMAN, MACHINE, RECONCILED

KIND_RANK = {RECONCILED: 3, HUMAN: 2, MACHINE: 1}
RANK = case((Coding.kind == RECONCILED, 3), (Coding.kind == HUMAN, 2), else_=1)


def effective_codings(version_ids: list[int] | None = None,
                      response_ids: list[int] | None = None) -> Select:
    """Select (coding_id, answer_id, response_id, codebook_version_id, kind) of the codings
    that count: one per answer and codebook version.

    Written with NOT EXISTS rather than a window function so that the planner can use the
    (answer_id, codebook_version_id) index on both backends.
    """
    better = aliased(Coding)
    better_rank = case((better.kind == RECONCILED, 3), (better.kind == HUMAN, 2), else_=1)
    outranked = exists().where(
        better.answer_id == Coding.answer_id,
        better.codebook_version_id == Coding.codebook_version_id,
        better.current.is_(True),
        (better_rank > RANK) | and_(better_rank == RANK, better.id > Coding.id))
    query = select(Coding.id.label("coding_id"), Coding.answer_id, Coding.response_id,
                   Coding.codebook_version_id, Coding.kind) \
        .where(Coding.current.is_(True), ~outranked)
    if version_ids is not None:
        query = query.where(Coding.codebook_version_id.in_(version_ids))
    if response_ids is not None:
        query = query.where(Coding.response_id.in_(response_ids))
    return query


def effective_tags(version_ids: list[int] | None = None,
                   response_ids: list[int] | None = None) -> Select:
    """Select the tags of the effective codings, with their coding's answer and response.

    Columns: tag_id, theme, polarity, score, answer_id, response_id, codebook_version_id,
    machine (true when the engine made the tag, false when a person did).
    """
    codings = effective_codings(version_ids, response_ids).subquery("effective")
    return select(Tag.id.label("tag_id"), Tag.theme, Tag.polarity, Tag.score,
                  codings.c.answer_id, codings.c.response_id, codings.c.codebook_version_id,
                  (codings.c.kind == MACHINE).label("machine")) \
        .join(codings, codings.c.coding_id == Tag.coding_id)



def effective_tag_rows(session: Session, response_ids: Collection[int]) \
        -> list[tuple[int, int, int, str, str | None]]:
    """(response_id, codebook_version_id, answer_id, theme, polarity) of the tags that count,
    for a few responses: their current codings in one indexed query, ranked here by the same
    rule (cheaper than the NOT EXISTS form when the responses are named)."""
    rows = session.execute(
        select(Coding.id, Coding.response_id, Coding.codebook_version_id, Coding.answer_id,
               Coding.kind, Tag.theme, Tag.polarity)
        .outerjoin(Tag, Tag.coding_id == Coding.id)
        .where(Coding.response_id.in_(list(response_ids)), Coding.current.is_(True))).all()
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for coding_id, _response, version_id, answer_id, kind, _theme, _polarity in rows:
        rank = (KIND_RANK.get(kind, 1), coding_id)
        if rank > best.get((answer_id, version_id), (0, 0)):
            best[answer_id, version_id] = rank
    return [(response_id, version_id, answer_id, theme, polarity)
            for coding_id, response_id, version_id, answer_id, _kind, theme, polarity in rows
            if theme is not None and best[answer_id, version_id][1] == coding_id]
