"""People reviewing the machine: the uncertainty queue and saving a coder's decisions."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session, aliased, selectinload

from portal.domain.audit import record
from portal.domain.codebooks import current_version
from portal.domain.rollups import keeping
from portal.domain.scoping import codable_condition
from portal.models import Answer, CodebookVersion, Coding, CodingSample, Response, Tag, User
from portal.models.coding import HUMAN, MACHINE, POLARITIES, RECONCILED


class ReviewError(ValueError):
    """A coding that cannot be saved; the message says why."""


@dataclass(frozen=True)
class TagInput:
    """One theme a coder applies, with its polarity and (optionally) the passage."""

    theme: str
    polarity: str | None = None
    span_start: int | None = None
    span_end: int | None = None


@dataclass(frozen=True)
class QueueItem:
    """An answer waiting for review, with the engine's uncertainty."""

    answer_id: int
    coding_id: int
    uncertainty: float
    stakeholder_group: str
    service_id: int


def queue(session: Session, user: User, version: CodebookVersion, limit: int = 50,
          offset: int = 0) -> list[QueueItem]:
    """Machine-coded answers no person has coded yet, least certain first, in the user's scope.

    Answers in a blind double-coding sample are left out: their coders must not be primed.
    """
    human = aliased(Coding)
    in_sample = select(CodingSample.answer_ids).where(
        CodingSample.codebook_id == version.codebook_id)
    sampled = {a for (ids,) in session.execute(in_sample) for a in ids}
    query = (select(Coding.answer_id, Coding.id, Coding.uncertainty,
                    Response.stakeholder_group, Response.service_id)
             .join(Response, Response.id == Coding.response_id)
             .where(Coding.codebook_version_id == version.id, Coding.kind == MACHINE,
                    Coding.current.is_(True), codable_condition(user),
                    ~exists().where(and_(human.answer_id == Coding.answer_id,
                                         human.kind != MACHINE, human.current.is_(True),
                                         human.codebook_version_id == version.id)))
             .order_by(Coding.uncertainty.desc(), Coding.id))
    if sampled:
        query = query.where(Coding.answer_id.not_in(sampled))
    rows = session.execute(query.offset(offset).limit(limit)).all()
    return [QueueItem(r[0], r[1], r[2] or 0.0, r[3], r[4]) for r in rows]


def queue_size(session: Session, user: User, version: CodebookVersion) -> int:
    """How many answers wait in the user's queue (capped, for the page header)."""
    return len(queue(session, user, version, limit=1000))


def codable_answer(session: Session, user: User, answer_id: int) -> Answer | None:
    """The answer if the user may code it; None hides whether it exists."""
    # Only open-text answers are coded, and only they have a machine coding (choices do not).
    machine_coded = exists().where(Coding.answer_id == Answer.id, Coding.kind == MACHINE)
    return session.scalar(select(Answer).join(Response, Response.id == Answer.response_id)
                          .where(Answer.id == answer_id, Answer.value_text.is_not(None),
                                 machine_coded, codable_condition(user)))


def codings_of(session: Session, answer: Answer, version: CodebookVersion) -> list[Coding]:
    """The current codings of an answer under a codebook version, machine first."""
    return list(session.scalars(
        select(Coding).where(Coding.answer_id == answer.id,
                             Coding.codebook_version_id == version.id,
                             Coding.current.is_(True))
        .options(selectinload(Coding.tags), selectinload(Coding.coder))
        .order_by(Coding.kind != MACHINE, Coding.id)))


def machine_coding(codings: Sequence[Coding]) -> Coding | None:
    """The engine's coding among these, if any."""
    return next((c for c in codings if c.kind == MACHINE), None)


def save_coding(session: Session, user: User, answer: Answer, version: CodebookVersion,
                tags: Sequence[TagInput], *, sample: CodingSample | None = None,
                kind: str = HUMAN) -> Coding:
    """Store the user's coding of an answer, replacing their earlier one; caller commits.

    Every decision against the engine's proposal (accept, reject, add, change polarity) is
    written to the audit trail with the coding that results.
    """
    if not user.can_code:
        raise PermissionError("You are not a coder.")
    current = current_version(session, version.codebook.key)
    if current is None or current.id != version.id:
        raise ReviewError("The codebook has changed since this page was opened; "
                          "please open the answer again.")
    _check(version, tags, len(answer.value_text or ""))
    if sample is not None and user.id not in sample.coders() and kind != RECONCILED:
        raise PermissionError("You are not one of this sample's coders.")
    mine = select(Coding.id).where(
        Coding.answer_id == answer.id, Coding.codebook_version_id == version.id,
        Coding.current.is_(True), Coding.kind == kind,
        Coding.coder_id == user.id if kind == HUMAN else Coding.kind == RECONCILED,
        # A blind coding and one made in the queue are separate; neither replaces the other.
        Coding.sample_id.is_(None) if sample is None else Coding.sample_id == sample.id)
    previous_ids = session.scalars(mine).all()
    previous = [session.get_one(Coding, i) for i in previous_ids]
    engine = machine_coding(codings_of(session, answer, version))
    with keeping(session, [answer.response_id]):
        if previous_ids:
            session.execute(update(Coding).where(Coding.id.in_(previous_ids))
                            .values(current=False))
        coding = Coding(answer_id=answer.id, response_id=answer.response_id,
                        codebook_version_id=version.id, made_against_version_id=version.id,
                        kind=kind, coder_id=user.id, sample_id=sample.id if sample else None,
                        current=True)
        coding.tags = [Tag(theme=t.theme, polarity=t.polarity, span_start=t.span_start,
                           span_end=t.span_end) for t in _unique(tags)]
        session.add(coding)
    record(session, user, f"coding.{kind}", "answer", answer.id,
           before=_summary(previous[-1] if previous else None),
           after={**_summary(coding), **decisions(engine, coding, blind=sample is not None)})
    return coding


def _check(version: CodebookVersion, tags: Sequence[TagInput], text_length: int) -> None:
    """Refuse themes not in the version, bad polarities and spans outside the text."""
    known = set(version.theme_ids)
    for tag in tags:
        if tag.theme not in known:
            raise ReviewError(f"{tag.theme} is not a theme of this codebook version.")
        if version.has_polarity:
            if tag.polarity not in POLARITIES:
                raise ReviewError(f"Choose barrier, facilitator or neutral for {tag.theme}.")
        elif tag.polarity is not None:
            raise ReviewError("This codebook does not code polarity.")
        marked = tag.span_start is not None or tag.span_end is not None
        if marked and (tag.span_start is None or tag.span_end is None
                       or not 0 <= tag.span_start < tag.span_end <= text_length):
            raise ReviewError(f"The passage marked for {tag.theme} is not in the answer.")


def _unique(tags: Sequence[TagInput]) -> list[TagInput]:
    """One tag per theme: the first one given."""
    seen: dict[str, TagInput] = {}
    for tag in tags:
        seen.setdefault(tag.theme, tag)
    return list(seen.values())


def _summary(coding: Coding | None) -> dict | None:
    """A coding as the audit trail keeps it: themes and polarities, never the text."""
    if coding is None:
        return None
    return {"coding": coding.id, "kind": coding.kind,
            "tags": [{"theme": t.theme, "polarity": t.polarity} for t in coding.tags]}


def decisions(engine: Coding | None, coding: Coding, blind: bool = False) -> dict:
    """What a person did with the engine's proposal: accepted, rejected, added, re-poled."""
    if blind or engine is None:
        return {"blind": blind, "added": sorted(t.theme for t in coding.tags)}
    proposed = {t.theme: t.polarity for t in engine.tags}
    given = {t.theme: t.polarity for t in coding.tags}
    return {
        "accepted": sorted(t for t in given if t in proposed and given[t] == proposed[t]),
        "polarity_changed": sorted(t for t in given if t in proposed and given[t] != proposed[t]),
        "rejected": sorted(t for t in proposed if t not in given),
        "added": sorted(t for t in given if t not in proposed),
    }
