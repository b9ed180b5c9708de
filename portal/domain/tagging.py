"""Run the auto-tagger over stored answers: on submission, on a re-run, and after retraining."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from portal.database import begin_write
from portal.domain.answers import AnswersInvalid, clean_answers
from portal.domain.instruments import items, text_item_ids
from portal.domain.rollups import keeping
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

# Answers shorter than this say nothing a theme could describe ("ok", "-").
MIN_TEXT_CHARS = 4
EMPTY_REPLIES = frozenset({"n/a", "none", "nope", "nil", "nothing", "no comment", "no comments"})
BATCH = 500
INSERT_CODINGS = insert(Coding).returning(Coding.id, sort_by_parameter_order=True)
INSERT_TAGS = insert(Tag)
_PLANS: dict[tuple[str, int, str, int], "Plan"] = {}


@dataclass(frozen=True)
class TextAnswer:
    """A stored text answer, as the tagger needs it."""

    answer_id: int
    response_id: int
    text: str
    group: str


@dataclass(frozen=True)
class Plan:
    """What tagging needs of one current codebook version, kept between requests."""

    version_id: int
    groups: frozenset[str]
    tagger: Tagger


def _latest_state():
    """A scalar subquery: the newest retrained state of a codebook version, if any."""
    return (select(func.max(TaggerState.id))
            .where(TaggerState.codebook_version_id == CodebookVersion.id)
            .scalar_subquery())


def _plan(session: Session, version_id: int, content_hash: str, state_id: int | None) -> Plan:
    """The cached plan for a version and state, built (definition loaded) only on a miss."""
    # Ids restart in every database: its URL keeps two databases' engines apart (tests, or
    # one process serving two databases).
    key = (str(session.get_bind().url), version_id, content_hash, state_id or 0)
    plan = _PLANS.get(key)
    if plan is None:
        version = session.get_one(CodebookVersion, version_id)
        if state_id is None:
            tagger = Tagger.for_definition(version.definition)
        else:
            tagger = Tagger.from_state(version.definition,
                                       session.get_one(TaggerState, state_id).state)
        if len(_PLANS) > 32:
            _PLANS.clear()  # old versions pile up only after many edits; rebuilding is cheap
        plan = _PLANS[key] = Plan(version_id, frozenset(version.definition.get("groups", [])),
                                  tagger)
    return plan


def current_plans(session: Session) -> list[Plan]:
    """One plan per codebook's current version, from one small query per call.

    The query returns only ids and hashes, so a codebook edit or a retraining in any worker is
    seen at the next submission, while definitions and taggers stay cached.
    """
    newest = select(CodebookVersion.codebook_id, func.max(CodebookVersion.number).label("n")) \
        .group_by(CodebookVersion.codebook_id).subquery()
    rows = session.execute(
        select(CodebookVersion.id, CodebookVersion.content_hash, _latest_state())
        .join(newest, (newest.c.codebook_id == CodebookVersion.codebook_id)
              & (newest.c.n == CodebookVersion.number))
        .order_by(CodebookVersion.codebook_id)).all()
    return [_plan(session, *row) for row in rows]


def tagger_for(session: Session, version: CodebookVersion) -> Tagger:
    """The engine for a codebook version: retrained on reviewers' decisions when there are any."""
    state_id = session.scalar(select(func.max(TaggerState.id))
                              .where(TaggerState.codebook_version_id == version.id))
    return _plan(session, version.id, version.content_hash, state_id).tagger


def taggable(text: object) -> bool:
    """True for an answer worth coding."""
    if not isinstance(text, str):
        return False
    stripped = text.strip()
    return len(stripped) >= MIN_TEXT_CHARS and stripped.lower().rstrip(".!") not in EMPTY_REPLIES


def tag_answers(session: Session, answers: Sequence[TextAnswer],
                versions: Iterable[CodebookVersion] | None = None) -> int:
    """Store a machine coding of each answer under every codebook that codes its group.

    All codings go in one INSERT and all tags in another, whatever the number of codebooks.
    Returns the number of codings written; the caller commits.
    """
    answers = [a for a in answers if taggable(a.text)]
    if not answers:
        return 0
    if versions is None:
        plans = current_plans(session)
    else:
        plans = [Plan(v.id, frozenset(v.definition.get("groups", [])), tagger_for(session, v))
                 for v in versions]
    codings, mentions = [], []
    for plan in plans:
        mine = [a for a in answers if a.group in plan.groups]
        if not mine:
            continue
        results = _tag(plan.tagger, [(a.text, a.group) for a in mine])
        for answer, result in zip(mine, results, strict=True):
            codings.append({
                "answer_id": answer.answer_id, "response_id": answer.response_id,
                "codebook_version_id": plan.version_id,
                "made_against_version_id": plan.version_id, "kind": MACHINE,
                "tagger": plan.tagger.name, "tagger_version": plan.tagger.version,
                "uncertainty": uncertainty(result), "current": True, "needs_review": False})
            mentions.append(result.mentions)
    if not codings:
        return 0
    ids = session.execute(INSERT_CODINGS, codings).scalars().all()
    tags = [{"coding_id": coding_id, "theme": m.theme, "score": round(float(m.score), 4),
             "polarity": m.polarity, "span_start": m.start, "span_end": m.end,
             "carried_from": None}
            for coding_id, found in zip(ids, mentions, strict=True) for m in found]
    if tags:
        session.execute(INSERT_TAGS, tags)
    return len(ids)


def precode(session: Session, version: InstrumentVersion, answers: dict[str, object]) -> None:
    """Run the engine on a submission's texts ahead of its write, keeping the results.

    The web layer calls this before it takes SQLite's write lock, so the engine's few
    milliseconds are not spent holding it; tag_answers then finds the results ready.
    """
    try:
        cleaned = clean_answers(version.definition, answers)  # as the write path will see them
    except AnswersInvalid:
        return  # the write path will say what is wrong
    group = version.instrument.stakeholder_group
    wanted = [(text, group) for item, text in cleaned.items()
              if item in text_item_ids(version) and taggable(text)]
    if wanted:
        for plan in current_plans(session):
            if group in plan.groups:
                _tag(plan.tagger, wanted)


# Results of the last few hundred (engine, text, group) triples: enough for the submissions
# in flight in one worker, small enough to forget quickly.
_RESULTS: OrderedDict[tuple[int, str, str], tuple[Tagger, Result]] = OrderedDict()
_RESULTS_MAX = 256
_results_lock = threading.Lock()


def _tag(tagger: Tagger, pairs: Sequence[tuple[str, str]]) -> list[Result]:
    """tagger.tag on (text, group) pairs, reusing results precode left behind."""
    found: list[Result | None] = []
    with _results_lock:
        for text, group in pairs:
            hit = _RESULTS.get((id(tagger), text, group))
            # The tagger itself is kept with the result, so a reused id() cannot mislead.
            found.append(hit[1] if hit is not None and hit[0] is tagger else None)
    missing = [i for i, result in enumerate(found) if result is None]
    if missing:
        fresh = tagger.tag([pairs[i][0] for i in missing], [pairs[i][1] for i in missing])
        with _results_lock:
            for i, result in zip(missing, fresh, strict=True):
                found[i] = result
                _RESULTS[(id(tagger), *pairs[i])] = (tagger, result)
            while len(_RESULTS) > _RESULTS_MAX:
                _RESULTS.popitem(last=False)
    return found


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
        with keeping(session, {a.response_id for a in batch}):
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


def warm_up(session: Session) -> None:
    """Load the model and build every current codebook's tagger (about a second, once)."""
    for plan in current_plans(session):
        plan.tagger.tag(["Warming up the engine: it works, but there is no time."])
    session.rollback()
