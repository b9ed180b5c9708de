"""Keep the dashboard rollups in step with responses and codings; the only writer.

Every write path that changes which tags count calls in here inside its own transaction:
`record_new` for a new response (submission), `keeping` around a change to existing codings
(review, reconciliation, re-tagging), `rebuild` for a whole codebook version (a merge or split
makes one) or everything (`flask dashboards rebuild`). A change is applied as a difference of
each response's keys before and after, as increments, so concurrent writers never overwrite
each other's counts; rows are written in key order so that they lock in the same order.
`drift` recomputes everything and reports rows that differ: the check behind the tests.
"""

import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.domain.effective_tags import effective_tag_rows
from portal.domain.rollup_keys import Key, Structure, score_keys, theme_keys
from portal.models import (
    Answer,
    CodebookVersion,
    Instrument,
    InstrumentVersion,
    Response,
    ScoreRollup,
    ThemeRollup,
)
from portal.models.rollups import NO_PROGRAMME

# The questionnaire blocks whose constructs the readiness page shows; ORIC also overall.
SCORED_BLOCKS = ("oric", "nomad")
RESPONSES = "responses:"  # score rollups under this prefix count responses per instrument
OVERALL_BLOCKS = ("oric",)
BATCH = 2000

Cell = tuple[int, str, str, str]  # service_id, stakeholder_group, programme, month
ThemeDelta = dict[tuple[int, Cell, Key], list[int]]  # → [mentions, respondents]


def record_new(session: Session, response_ids: Collection[int], *,
               answers: dict[int, list[tuple[str, object]]] | None = None,
               instruments: dict[int, str] | None = None,
               cells: dict[int, Cell] | None = None) -> None:
    """Add new responses (their tags, answers and instrument) to the rollups. The write path
    passes the answers, instrument keys and cells it holds; whatever is missing is read."""
    cells = cells or _cells(session, response_ids)
    _apply_themes(session, _theme_delta(cells, {}, _theme_contributions(session, response_ids)))
    answers = answers if answers is not None else _answers(session, response_ids)
    instruments = instruments or _instrument_keys(session, response_ids)
    _apply_scores(session, [(cells[r], _scores(answers.get(r, []), instruments[r]))
                            for r in response_ids], sign=1)


@contextmanager
def keeping(session: Session, response_ids: Collection[int]) -> Iterator[None]:
    """Around a change to these responses' codings: move their counts from before to after."""
    response_ids = sorted(set(response_ids))
    session.flush()
    before = _theme_contributions(session, response_ids)
    yield
    session.flush()
    after = _theme_contributions(session, response_ids)
    _apply_themes(session, _theme_delta(_cells(session, response_ids), before, after))


def remove_responses(session: Session, response_ids: Collection[int]) -> None:
    """Take responses out of the rollups, before they are erased."""
    cells = _cells(session, response_ids)
    _apply_themes(session, _theme_delta(cells, _theme_contributions(session, response_ids), {}))
    answers, instruments = _answers(session, response_ids), _instrument_keys(session, response_ids)
    _apply_scores(session, [(cells[r], _scores(answers.get(r, []), instruments[r]))
                            for r in cells], sign=-1)


def rebuild(session: Session, version_ids: Collection[int] | None = None, *,
            scores: bool = True, progress: Callable[[int, int], None] | None = None) -> None:
    """Recompute the rollups from scratch: of the given codebook versions (all if None), and
    the questionnaire scores unless scores is false. The caller commits."""
    theme_rows, score_rows = _recount(session, version_ids, scores, progress)
    doomed = delete(ThemeRollup)
    if version_ids is not None:
        doomed = doomed.where(ThemeRollup.codebook_version_id.in_(list(version_ids)))
    session.execute(doomed)
    if theme_rows:
        session.execute(ThemeRollup.__table__.insert(), theme_rows)
    if scores:
        session.execute(delete(ScoreRollup))
        if score_rows:
            session.execute(ScoreRollup.__table__.insert(), score_rows)


def drift(session: Session) -> list[str]:
    """Rows where the stored rollups differ from a recount (empty when all is well)."""
    theme_rows, score_rows = _recount(session, None, True, None)
    problems = []
    stored = {_theme_id(r): (r.mentions, r.respondents)
              for r in session.scalars(select(ThemeRollup))}
    wanted = {_theme_id(r): (r["mentions"], r["respondents"]) for r in theme_rows}
    for key in sorted(set(stored) | set(wanted), key=str):
        if stored.get(key, (0, 0)) != wanted.get(key, (0, 0)):
            problems.append(f"theme {key}: stored {stored.get(key)} counted {wanted.get(key)}")
    stored_scores = {_score_id(r): (r.n, r.total, r.total_sq)
                     for r in session.scalars(select(ScoreRollup))}
    wanted_scores = {_score_id(r): (r["n"], r["total"], r["total_sq"]) for r in score_rows}
    for key in sorted(set(stored_scores) | set(wanted_scores), key=str):
        got, want = stored_scores.get(key, (0, 0.0, 0.0)), wanted_scores.get(key, (0, 0.0, 0.0))
        if got[0] != want[0] or abs(got[1] - want[1]) > 1e-6 or abs(got[2] - want[2]) > 1e-6:
            problems.append(f"score {key}: stored {got} counted {want}")
    return problems


# --- reading what counts -------------------------------------------------------------------

def _cells(session: Session, response_ids: Collection[int]) -> dict[int, Cell]:
    """Response id → its cell."""
    rows = session.execute(select(Response.id, Response.service_id, Response.stakeholder_group,
                                  Response.programme, Response.submitted_at)
                           .where(Response.id.in_(list(response_ids)))).all()
    return {r[0]: cell_of(*r[1:]) for r in rows}


def cell_of(service_id: int, group: str, programme: str | None, submitted_at) -> Cell:
    """The cell of a response's columns."""
    return (service_id, group, programme or NO_PROGRAMME, submitted_at.strftime("%Y-%m"))


def _theme_contributions(session: Session,
                         response_ids: Collection[int]) -> dict[tuple[int, int], Counter[Key]]:
    """(response_id, codebook_version_id) → the response's keys, from its effective tags."""
    if not response_ids:
        return {}
    grouped: dict[tuple[int, int], list] = defaultdict(list)
    for response_id, version_id, answer_id, theme, polarity in \
            effective_tag_rows(session, response_ids):
        grouped[response_id, version_id].append((answer_id, theme, polarity))
    return {key: theme_keys(_structure(session, key[1]), found)
            for key, found in grouped.items()}


def _structure(session: Session, version_id: int) -> Structure:
    """A version's Structure, cached per database and version (versions never change)."""
    # .engine: a migration's session is bound to a Connection, which has no URL of its own.
    return _cached_structure(str(session.get_bind().engine.url), version_id, session)


_STRUCTURES: dict[tuple[str, int], Structure] = {}


def _cached_structure(url: str, version_id: int, session: Session) -> Structure:
    """Structure of a version, built once per database and version id."""
    found = _STRUCTURES.get((url, version_id))
    if found is None:
        definition = session.scalar(select(CodebookVersion.definition)
                                    .where(CodebookVersion.id == version_id))
        if len(_STRUCTURES) > 256:
            _STRUCTURES.clear()
        found = _STRUCTURES[url, version_id] = Structure.of(definition)
    return found


def _answers(session: Session, response_ids: Collection[int]) -> dict[int, list]:
    """Response id → its (item_id, numeric value) answers of the scored blocks."""
    found: dict[int, list] = defaultdict(list)
    items = [item for block in _blocks().values() for item in block]
    for response_id, item_id, value in session.execute(
            select(Answer.response_id, Answer.item_id, Answer.value_int)
            .where(Answer.response_id.in_(list(response_ids)), Answer.item_id.in_(items),
                   Answer.value_int.is_not(None))):
        found[response_id].append((item_id, value))
    return found


@functools.cache
def _blocks() -> dict[str, dict[str, str]]:
    """Block → item id → construct, for the scored blocks."""
    from portal.domain.readiness import item_constructs

    return {block: item_constructs(block) for block in SCORED_BLOCKS}


def _scores(pairs: list[tuple[str, object]], instrument: str) -> dict[str, float]:
    """A response's construct scores from its answers, and its count under its instrument
    (RESPONSES + key, valued 0: only n matters)."""
    return {**score_keys(_blocks(), OVERALL_BLOCKS, pairs), RESPONSES + instrument: 0.0}


def _instrument_keys(session: Session, response_ids: Collection[int]) -> dict[int, str]:
    """Response id → the key of the instrument it answered."""
    return dict(session.execute(
        select(Response.id, Instrument.key)
        .join(InstrumentVersion, InstrumentVersion.id == Response.instrument_version_id)
        .join(Instrument, Instrument.id == InstrumentVersion.instrument_id)
        .where(Response.id.in_(list(response_ids)))).all())


# --- writing -------------------------------------------------------------------------------

def _theme_delta(cells: dict[int, Cell], before: dict, after: dict) -> ThemeDelta:
    """The change in (version, cell, key) → [mentions, respondents] from before to after."""
    delta: ThemeDelta = defaultdict(lambda: [0, 0])
    for sign, contributions in ((-1, before), (1, after)):
        for (response_id, version_id), keys in contributions.items():
            cell = cells[response_id]
            for key, mentions in keys.items():
                entry = delta[version_id, cell, key]
                entry[0] += sign * mentions
                entry[1] += sign
    return {key: value for key, value in delta.items() if value != [0, 0]}


def _apply_themes(session: Session, delta: ThemeDelta) -> None:
    """Add the delta to theme_rollups (in key order) and drop rows that fell to zero."""
    if not delta:
        return
    rows = [{"codebook_version_id": version_id, "kind": key[0], "a": key[1], "b": key[2],
             "service_id": cell[0], "stakeholder_group": cell[1], "programme": cell[2],
             "month": cell[3], "mentions": change[0], "respondents": change[1]}
            for (version_id, cell, key), change in sorted(delta.items())]
    table = ThemeRollup.__table__
    _upsert(session, table, rows, ("mentions", "respondents"))
    if any(change[1] < 0 or change[0] < 0 for change in delta.values()):
        session.execute(delete(ThemeRollup).where(ThemeRollup.respondents <= 0,
                                                  ThemeRollup.mentions <= 0))


def _apply_scores(session: Session, scores: list[tuple[Cell, dict[str, float]]],
                  sign: int) -> None:
    """Add (sign 1) or take away (sign -1) responses' scores, one (cell, scores) each."""
    totals: dict[tuple[str, Cell], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for cell, found in scores:
        for construct, score in found.items():
            entry = totals[construct, cell]
            entry[0] += sign
            entry[1] += sign * score
            entry[2] += sign * score * score
    if not totals:
        return
    rows = [{"construct": construct, "service_id": cell[0], "stakeholder_group": cell[1],
             "programme": cell[2], "month": cell[3], "n": n, "total": total, "total_sq": sq}
            for (construct, cell), (n, total, sq) in sorted(totals.items())]
    _upsert(session, ScoreRollup.__table__, rows, ("n", "total", "total_sq"))
    if sign < 0:
        session.execute(delete(ScoreRollup).where(ScoreRollup.n <= 0))


def _upsert(session: Session, table, rows: list[dict], counters: tuple[str, ...]) -> None:
    """INSERT the rows, or add their counters to the rows already there."""
    session.execute(_upsert_statement(session.get_bind().dialect.name, table, counters), rows)


@functools.cache
def _upsert_statement(dialect: str, table, counters: tuple[str, ...]):
    """The dialect's INSERT ... ON CONFLICT DO UPDATE adding counters, built once."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={name: table.c[name] + statement.excluded[name] for name in counters})


# --- recounting ----------------------------------------------------------------------------

def _recount(session: Session, version_ids: Collection[int] | None, scores: bool,
             progress: Callable[[int, int], None] | None) -> tuple[list[dict], list[dict]]:
    """Every rollup row, counted afresh from the effective tags and the answers."""
    ids = list(session.scalars(select(Response.id).order_by(Response.id)))
    theme_totals: dict = defaultdict(lambda: [0, 0])
    score_totals: dict = defaultdict(lambda: [0, 0.0, 0.0])
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        cells = _cells(session, batch)
        found = _theme_contributions(session, batch)
        for (response_id, version_id), keys in found.items():
            if version_ids is not None and version_id not in version_ids:
                continue
            for key, mentions in keys.items():
                entry = theme_totals[version_id, cells[response_id], key]
                entry[0] += mentions
                entry[1] += 1
        if scores:
            answers, instruments = _answers(session, batch), _instrument_keys(session, batch)
            for response_id in batch:
                for construct, score in _scores(answers.get(response_id, []),
                                                instruments[response_id]).items():
                    entry = score_totals[construct, cells[response_id]]
                    entry[0] += 1
                    entry[1] += score
                    entry[2] += score * score
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    theme_rows = [{"codebook_version_id": v, "kind": key[0], "a": key[1], "b": key[2],
                   "service_id": cell[0], "stakeholder_group": cell[1], "programme": cell[2],
                   "month": cell[3], "mentions": m, "respondents": r}
                  for (v, cell, key), (m, r) in theme_totals.items()]
    score_rows = [{"construct": construct, "service_id": cell[0], "stakeholder_group": cell[1],
                   "programme": cell[2], "month": cell[3], "n": n, "total": t, "total_sq": sq}
                  for (construct, cell), (n, t, sq) in score_totals.items()]
    return theme_rows, score_rows


def _theme_id(row) -> tuple:
    """A theme rollup row's identity (from a model or a dict)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(get(c) for c in ("codebook_version_id", "kind", "a", "b", "service_id",
                                  "stakeholder_group", "programme", "month"))


def _score_id(row) -> tuple:
    """A score rollup row's identity."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(get(c) for c in ("construct", "service_id", "stakeholder_group", "programme",
                                  "month"))
