"""Run the auto-tagger over stored answers: on submission, on a re-run, and after retraining."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from portal.database import begin_write
from portal.domain.codebooks import current_versions
from portal.domain.instruments import items
from portal.models import (
    Answer,
    CodebookVersion,
    Coding,
    InstrumentVersion,
    Response,
    Tag,
    TaggerState,
)
from portal.models.coding import MACHINE
from portal.tagging.engine import Result, Tagger

# Answers shorter than this say nothing a theme could describe ("n/a", "-").
MIN_TEXT_CHARS = 3
BATCH = 500
INSERT_CODINGS = insert(Coding).returning(Coding.id, sort_by_parameter_order=True)
INSERT_TAGS = insert(Tag)
_TAGGERS: dict[tuple[str, int], Tagger] = {}


@dataclass(frozen=True)
class TextAnswer:
    """A stored text answer, as the tagger needs it."""

    answer_id: int
    response_id: int
    text: str
    group: str


def tagger_for(session: Session, version: CodebookVersion) -> Tagger:
    """The engine for a codebook version: retrained on reviewers' decisions when there are any."""
    state = session.execute(
        select(TaggerState.id, TaggerState.revision).where(
            TaggerState.codebook_version_id == version.id)
        .order_by(TaggerState.revision.desc()).limit(1)).first()
    key = (version.content_hash, state.id if state else 0)
    tagger = _TAGGERS.get(key)
    if tagger is None:
        if state is None:
            tagger = Tagger.for_definition(version.definition)
        else:
            stored = session.get_one(TaggerState, state.id)
            tagger = Tagger.from_state(version.definition, stored.state)
        if len(_TAGGERS) > 32:
            _TAGGERS.clear()  # old versions pile up only after many edits; rebuilding is cheap
        _TAGGERS[key] = tagger
    return tagger


def taggable(text: object) -> bool:
    """True for an answer worth coding."""
    return isinstance(text, str) and len(text.strip()) >= MIN_TEXT_CHARS


def tag_answers(session: Session, answers: Sequence[TextAnswer],
                versions: Iterable[CodebookVersion] | None = None) -> int:
    """Store a machine coding of each answer under every codebook that codes its group.

    Returns the number of codings written; the caller commits.
    """
    answers = [a for a in answers if taggable(a.text)]
    if not answers:
        return 0
    if versions is None:
        versions = current_versions(session)
    written = 0
    for version in versions:
        mine = [a for a in answers if a.group in version.definition.get("groups", [])]
        if not mine:
            continue
        tagger = tagger_for(session, version)
        results = tagger.tag([a.text for a in mine], [a.group for a in mine])
        written += _store(session, version, tagger, mine, results)
    return written


def _store(session: Session, version: CodebookVersion, tagger: Tagger,
           answers: Sequence[TextAnswer], results: Sequence[Result]) -> int:
    """Insert one machine coding per answer and its tags, in two statements."""
    ids = session.execute(INSERT_CODINGS, [
        {"answer_id": a.answer_id, "response_id": a.response_id,
         "codebook_version_id": version.id, "made_against_version_id": version.id,
         "kind": MACHINE, "tagger": tagger.name, "tagger_version": tagger.version,
         "uncertainty": uncertainty(result), "current": True, "needs_review": False}
        for a, result in zip(answers, results, strict=True)]).scalars().all()
    tags = [{"coding_id": coding_id, "theme": m.theme, "score": round(float(m.score), 4),
             "polarity": m.polarity, "span_start": m.start, "span_end": m.end,
             "carried_from": None}
            for coding_id, result in zip(ids, results, strict=True) for m in result.mentions]
    if tags:
        session.execute(INSERT_TAGS, tags)
    return len(ids)


def uncertainty(result: Result) -> float:
    """Margin sampling: 1 minus the gap between the two best scores (1 = a coin toss)."""
    best = sorted(result.scores.values(), reverse=True)[:2]
    if not best:
        return 1.0
    margin = best[0] - (best[1] if len(best) > 1 else 0.0)
    return round(max(0.0, min(1.0, 1.0 - margin)), 4)


def text_answers(session: Session, version: CodebookVersion) -> list[TextAnswer]:
    """Every stored open-text answer of the groups a codebook codes, oldest first.

    Choices are stored as text too, so each instrument version's item types decide.
    """
    open_items = {v.id: {i["id"] for i in items(v.definition) if i["type"] == "text"}
                  for v in session.scalars(select(InstrumentVersion))}
    rows = session.execute(
        select(Answer.id, Answer.response_id, Answer.value_text, Response.stakeholder_group,
               Answer.item_id, Response.instrument_version_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.value_text.is_not(None),
               Response.stakeholder_group.in_(version.definition.get("groups", [])))
        .order_by(Answer.id)).all()
    return [TextAnswer(r[0], r[1], r[2], r[3]) for r in rows
            if r[4] in open_items.get(r[5], ()) and taggable(r[2])]


def retag(session: Session, version: CodebookVersion,
          progress: Callable[[int, int], None] | None = None, commit: bool = True) -> int:
    """Re-code every text answer with the current engine, replacing earlier machine codings.

    Works in batches and commits after each (when commit is true), so a long run shows
    progress and a crash loses at most one batch; earlier machine codings are kept,
    marked not current, for the agreement history.
    """
    rows = text_answers(session, version)
    total, done = len(rows), 0
    codebook_versions = select(CodebookVersion.id).where(
        CodebookVersion.codebook_id == version.codebook_id)
    for start in range(0, total, BATCH):
        batch = rows[start:start + BATCH]
        if commit:
            begin_write(session)  # SQLite: hold the write lock per batch, not for the whole run
        session.execute(update(Coding).where(
            Coding.kind == MACHINE, Coding.current.is_(True),
            Coding.answer_id.in_([a.answer_id for a in batch]),
            Coding.codebook_version_id.in_(codebook_versions)).values(current=False))
        tag_answers(session, batch, [version])
        done += len(batch)
        if commit:
            session.commit()
        if progress:
            progress(done, total)
    return total


def choose_parts(version: CodebookVersion, passages: list[str], parts: list[str]) -> list[str]:
    """For each passage, the part of a split theme the engine finds closest (for carrying)."""
    tagger = Tagger.for_definition(version.definition)
    return [max(parts, key=lambda p, r=result: r.scores.get(p, 0.0))
            for result in tagger.tag(passages)]
