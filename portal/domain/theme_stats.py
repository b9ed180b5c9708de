"""The themes page's numbers: mentions of codebook themes, each from one GROUP BY, suppressed.

Counts come from the monthly rollups (portal.domain.rollups) of the codebook version the
filters name, scoped by `cell_conditions(user, filters)`; a service the user may not see
contributes nothing. A mention is one effective tag (a coding holds a theme once);
respondents are distinct responses. Quotes read the effective tags themselves.

Small cells are hidden (portal.domain.suppression): a cell with patients in it needs the patient
k, a staff-only cell the staff k. Pass `config` (the app's config mapping) or a fixed `k`.
Hidden numbers are NaN and the row's `suppressed` column is True.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import case, distinct, exists, func, select
from sqlalchemy.orm import Session

from portal.domain.analytics import month_of
from portal.domain.codebooks import labels as codebook_labels
from portal.domain.dashboard_filters import Filters, codebook_version, response_conditions
from portal.domain.deidentify import deidentify
from portal.domain.differencing import exposed_cells
from portal.domain.effective_tags import effective_tags
from portal.domain.rollup_keys import ANY
from portal.domain.rollup_queries import has_patients, theme_rows
from portal.domain.suppression import k_patient, k_staff, suppress_series, suppression_mask
from portal.models import Answer, CodebookVersion, Response, RiskFlag, Service, ThemeRollup, User
from portal.models.coding import POLARITIES
from portal.models.instruments import STAKEHOLDER_GROUPS

GROUP_COLUMNS = ["theme", "label", "group", "mentions", "respondents", "suppressed"]
POLARITY_COLUMNS = ["theme", "label", *POLARITIES, "mentions", "respondents", "suppressed"]
TREND_COLUMNS = ["month", "theme", "label", "mentions", "respondents", "suppressed"]
COOCCURRENCE_COLUMNS = ["theme_a", "theme_b", "answers", "respondents", "suppressed"]
STRUCTURE_COLUMNS = ["level", "id", "label", "parent", "answers", "respondents", "suppressed",
                     "taggable"]

R = ThemeRollup
# 1 when the cell holds a patient's response: such cells need the (larger) patient k.
HAS_PATIENTS = func.max(case((Response.stakeholder_group == "patient", 1), else_=0))


class QuoteTag(NamedTuple):
    """One effective tag of a quoted answer, and whether the engine (not a person) made it."""

    theme: str
    polarity: str | None
    machine: bool


@dataclass(frozen=True)
class Quote:
    """A de-identified answer behind a number: no reference, no user, the month only."""

    text: str
    theme: str
    polarity: str | None
    group: str
    service_name: str
    month: str
    tags: list[QuoteTag] = field(default_factory=list)


def theme_by_group(session: Session, user: User, filters: Filters, *, k: int | None = None,
                   config: Mapping | None = None) -> pd.DataFrame:
    """Mentions and respondents per theme and stakeholder group (theme × group table)."""
    version = codebook_version(session, filters)
    if version is None:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    query = select(R.a, R.stakeholder_group, func.sum(R.mentions), func.sum(R.respondents)) \
        .where(*theme_rows(user, filters, version.id, "theme", ANY)) \
        .group_by(R.a, R.stakeholder_group)
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["theme", "group", "mentions", "respondents"])
    frame["patients"] = (frame["group"] == "patient").astype(int)
    exposed = exposed_cells(session, filters, R, [R.a, R.stakeholder_group], R.respondents,
                            lambda f: theme_rows(user, f, version.id, "theme", ANY),
                            shown=["groups"], k=k, config=config)
    frame = _suppress_long(frame, "theme", "group", ["mentions", "respondents"], k, config,
                           exposed)
    frame = _ordered(frame, version, "theme", group_order=True)
    return frame[GROUP_COLUMNS]


def polarity_by_theme(session: Session, user: User, filters: Filters, *, k: int | None = None,
                      config: Mapping | None = None) -> pd.DataFrame:
    """Per theme: barrier, facilitator and neutral mentions, all mentions, respondents.

    Each polarity cell has its own respondent count (COUNT(DISTINCT CASE ...)) for suppression;
    a theme's totals are shown only when the theme itself has at least k respondents.
    """
    version = codebook_version(session, filters)
    if version is None:
        return pd.DataFrame(columns=POLARITY_COLUMNS)
    query = select(R.a, R.b, func.sum(R.mentions), func.sum(R.respondents), has_patients(R)) \
        .where(*theme_rows(user, filters, version.id, "theme")).group_by(R.a, R.b)
    long = pd.DataFrame(session.execute(query).all(),
                        columns=["theme", "polarity", "mentions", "respondents", "patients"])
    frame = pd.DataFrame(index=pd.Index(sorted(set(long["theme"])), name="theme"))
    for polarity, name, column in [(p, p, "mentions") for p in POLARITIES] + \
            [(p, f"{p}_respondents", "respondents") for p in POLARITIES] + \
            [(ANY, "mentions", "mentions"), (ANY, "respondents", "respondents"),
             (ANY, "patients", "patients")]:
        values = long[long["polarity"] == polarity].set_index("theme")[column]
        frame[name] = values.reindex(frame.index).fillna(0).astype(int)
    limits = _limits(frame["patients"], k, config)
    cells = frame[list(POLARITIES)]
    people = frame[[f"{p}_respondents" for p in POLARITIES]].set_axis(list(POLARITIES), axis=1)
    exposed = exposed_cells(session, filters, R, [R.a, R.b], R.respondents,
                            lambda f: theme_rows(user, f, version.id, "theme"), k=k,
                            config=config)
    cell_limits = _broadcast(limits, people).astype(float)
    for theme, polarity in exposed:
        if polarity in cell_limits.columns and theme in cell_limits.index:
            cell_limits.loc[theme, polarity] = np.inf  # hidden wherever it is not empty
    mask = suppression_mask(people, cell_limits, cells)
    total_limits = limits.astype(float).mask(limits.index.isin(
        [theme for theme, polarity in exposed if polarity == ANY]), np.inf)
    small = (frame["respondents"] > 0) & (frame["respondents"] < total_limits)
    out = cells.astype(float).mask(mask)
    out["mentions"] = frame["mentions"].astype(float).mask(small)
    out["respondents"] = frame["respondents"].astype(float).mask(small)
    out["suppressed"] = mask.any(axis=1) | small
    out = _ordered(out.reset_index(), version, "theme")
    return out[POLARITY_COLUMNS]


def theme_trend(session: Session, user: User, filters: Filters, *, k: int | None = None,
                config: Mapping | None = None) -> pd.DataFrame:
    """Mentions and respondents per month (YYYY-MM) and theme."""
    version = codebook_version(session, filters)
    if version is None:
        return pd.DataFrame(columns=TREND_COLUMNS)
    query = select(R.month, R.a, func.sum(R.mentions), func.sum(R.respondents),
                   has_patients(R)) \
        .where(*theme_rows(user, filters, version.id, "theme", ANY)).group_by(R.month, R.a)
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["month", "theme", "mentions", "respondents", "patients"])
    exposed = exposed_cells(session, filters, R, [R.a, R.month], R.respondents,
                            lambda f: theme_rows(user, f, version.id, "theme", ANY),
                            shown=["period"], k=k, config=config)
    frame = _suppress_long(frame, "theme", "month", ["mentions", "respondents"], k, config,
                           exposed)
    frame = _ordered(frame, version, "theme")
    frame = frame.sort_values("month", kind="stable").reset_index(drop=True)
    return frame[TREND_COLUMNS]


def cooccurrence(session: Session, user: User, filters: Filters, *, k: int | None = None,
                 config: Mapping | None = None) -> pd.DataFrame:
    """Pairs of themes on the same answer: theme_a < theme_b, answers carrying both, and the
    respondents behind them. Suppressed as a symmetric theme × theme table."""
    version = codebook_version(session, filters)
    if version is None:
        return pd.DataFrame(columns=COOCCURRENCE_COLUMNS)
    query = select(R.a, R.b, func.sum(R.mentions), func.sum(R.respondents), has_patients(R)) \
        .where(*theme_rows(user, filters, version.id, "pair")).group_by(R.a, R.b)
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["theme_a", "theme_b", "answers", "respondents", "patients"])
    if frame.empty:
        return pd.DataFrame(columns=COOCCURRENCE_COLUMNS)
    mirrored = frame.rename(columns={"theme_a": "theme_b", "theme_b": "theme_a"})
    both = pd.concat([frame, mirrored], ignore_index=True)
    themes = sorted(set(both["theme_a"]))
    both["k"] = _limits(both["patients"], k, config).astype(float)
    exposed = exposed_cells(session, filters, R, [R.a, R.b], R.respondents,
                            lambda f: theme_rows(user, f, version.id, "pair"), k=k,
                            config=config)
    both.loc[[pair in exposed or pair[::-1] in exposed
              for pair in zip(both["theme_a"], both["theme_b"], strict=True)], "k"] = np.inf

    def square(column: str) -> pd.DataFrame:
        """The symmetric theme × theme table of one column."""
        return both.pivot(index="theme_a", columns="theme_b", values=column) \
            .reindex(index=themes, columns=themes).fillna(0)

    mask = suppression_mask(square("respondents"), square("k").replace(0, 1),
                            square("answers"), symmetric=True)
    hidden = np.array([mask.at[a, b] for a, b in zip(frame["theme_a"], frame["theme_b"],
                                                     strict=True)], dtype=bool)
    frame["answers"] = frame["answers"].astype(float).mask(hidden)
    frame["respondents"] = frame["respondents"].astype(float).mask(hidden)
    frame["suppressed"] = hidden
    # Each pair once, theme_a before theme_b in code-point order (as the rollups store it).
    upper = mask.where(np.triu(np.ones(mask.shape, dtype=bool), k=1), False)
    extra = _hidden_zeros(upper, pd.concat([frame, mirrored]), "theme_a", "theme_b",
                          ["answers", "respondents"])
    frame = pd.concat([frame, extra], ignore_index=True)
    order = _theme_order(version)
    frame = frame.assign(_a=frame["theme_a"].map(order), _b=frame["theme_b"].map(order)) \
        .sort_values(["_a", "_b", "theme_a", "theme_b"]).reset_index(drop=True)
    return frame[COOCCURRENCE_COLUMNS]


def structure_counts(session: Session, user: User, filters: Filters, *, k: int | None = None,
                     config: Mapping | None = None) -> pd.DataFrame:
    """The codebook's levels (dimensions, then their themes): answers and respondents per node.

    A node counts the distinct answers carrying any theme beneath it, so it is not the sum of
    its children. Every node and theme of the version is listed (zeros included), parents
    before children; the top level's parent is "". `taggable` marks themes (quotable), as
    opposed to grouping nodes. Siblings are suppressed together, as a line
    whose total (the parent) is shown.
    """
    version = codebook_version(session, filters)
    if version is None:
        return pd.DataFrame(columns=STRUCTURE_COLUMNS)
    nodes = _structure(version.definition)
    query = select(R.a.label("node"), func.sum(R.mentions).label("answers"),
                   func.sum(R.respondents).label("respondents"),
                   has_patients(R).label("patients")) \
        .where(*theme_rows(user, filters, version.id, "node")).group_by(R.a)
    counts = {row.node: row for row in session.execute(query)}
    frame = pd.DataFrame([{"level": entry["level"], "id": entry["id"], "label": entry["label"],
                           "parent": entry["parent"], "taggable": entry["taggable"],
                           "answers": counts[entry["id"]].answers if entry["id"] in counts else 0,
                           "respondents": (counts[entry["id"]].respondents
                                           if entry["id"] in counts else 0),
                           "patients": counts[entry["id"]].patients if entry["id"] in counts
                           else 0} for entry in nodes], columns=[*STRUCTURE_COLUMNS,
                                                                  "patients"])
    exposed = exposed_cells(session, filters, R, [R.a], R.respondents,
                            lambda f: theme_rows(user, f, version.id, "node"), k=k,
                            config=config)
    limits = _limits(frame["patients"], k, config).astype(float) \
        .mask(frame["id"].isin([node for (node,) in exposed]), np.inf)
    frame["answers"] = frame["answers"].astype(float)
    frame["respondents"] = frame["respondents"].astype(float)
    frame["suppressed"] = False
    for _parent, siblings in frame.groupby("parent", sort=False):
        answers, people = suppress_series(siblings["answers"], siblings["respondents"],
                                          limits[siblings.index])
        frame.loc[siblings.index, "answers"] = answers
        frame.loc[siblings.index, "respondents"] = people
        frame.loc[siblings.index, "suppressed"] = answers.isna()
    return frame[STRUCTURE_COLUMNS]


def quotes(session: Session, user: User, filters: Filters, theme: str, group: str | None = None,
           polarity: str | None = None, limit: int = 20, *, with_theme: str | None = None,
           k: int | None = None, config: Mapping | None = None) -> list[Quote]:
    """The newest answers carrying the theme (and group, polarity, co-theme), de-identified.

    Returns [] unless the matching answers come from at least k respondents: the count is
    asked first, and no text is read when it is too small.
    """
    version, tags = _tags(session, filters)
    if version is None or limit <= 0:
        return []
    conditions = [tags.c.theme == theme]
    if group is not None:
        conditions.append(Response.stakeholder_group == group)
    if polarity is not None:
        conditions.append(tags.c.polarity == polarity)
    if with_theme is not None:
        other = effective_tags([version.id]).subquery("other_tags")
        conditions.append(exists().where(other.c.answer_id == tags.c.answer_id,
                                         other.c.theme == with_theme))
    matching = _scoped(select(func.count(distinct(tags.c.response_id)), HAS_PATIENTS)
                       .select_from(tags), tags, user, filters).where(*conditions)
    respondents, patients = session.execute(matching).one()
    threshold = _limits(pd.Series([patients or 0]), k, config).iloc[0]
    if not respondents or respondents < threshold:
        return []
    month = month_of(Response.submitted_at, session.get_bind().dialect.name).label("month")
    answer_ids = _scoped(select(tags.c.answer_id).select_from(tags), tags, user, filters) \
        .where(*conditions)
    chosen = (select(Answer.id.label("answer_id"), Answer.value_text, Response.submitted_at,
                     Response.stakeholder_group, Service.name.label("service_name"), month)
              .join(Response, Response.id == Answer.response_id)
              .join(Service, Service.id == Response.service_id)
              # Risk flagged answers are for the service's clinicians, not for quoting.
              .where(Answer.id.in_(answer_ids), Answer.id.not_in(select(RiskFlag.answer_id)))
              .order_by(Response.submitted_at.desc(), Answer.id.desc())
              .limit(limit).subquery("chosen"))
    all_tags = effective_tags([version.id]).subquery("answer_tags")
    rows = session.execute(
        select(chosen, all_tags.c.theme, all_tags.c.polarity, all_tags.c.machine)
        .join(all_tags, all_tags.c.answer_id == chosen.c.answer_id)
        .order_by(chosen.c.submitted_at.desc(), chosen.c.answer_id.desc(),
                  all_tags.c.tag_id)).all()
    found: dict[int, Quote] = {}
    for row in rows:
        if row.answer_id not in found:
            found[row.answer_id] = Quote(text=deidentify(row.value_text or ""), theme=theme,
                                         polarity=None, group=row.stakeholder_group,
                                         service_name=row.service_name, month=row.month)
        found[row.answer_id].tags.append(QuoteTag(row.theme, row.polarity, bool(row.machine)))
    return [_with_polarity(quote, polarity) for quote in found.values()]


def _tags(session: Session, filters: Filters):
    """The filters' codebook version and its effective tags as a subquery (None, None if none)."""
    version = codebook_version(session, filters)
    if version is None:
        return None, None
    return version, effective_tags([version.id]).subquery("tagged")


def _scoped(query, tags, user: User, filters: Filters):
    """Join the tags' responses and keep those the user may see and the filters select."""
    return query.join(Response, Response.id == tags.c.response_id) \
        .where(*response_conditions(user, filters))


def _limits(patients: pd.Series, k: int | None, config: Mapping | None) -> pd.Series:
    """Per cell, the threshold: k if given, else the patient k where patients are in."""
    if k is not None:
        return pd.Series(int(k), index=patients.index)
    return pd.Series(np.where(patients.fillna(0).astype(int) > 0, k_patient(config),
                              k_staff(config)), index=patients.index)


def _broadcast(limits: pd.Series, like: pd.DataFrame) -> pd.DataFrame:
    """A per-row threshold spread over the row's cells."""
    return pd.DataFrame({column: limits for column in like.columns}, index=like.index)


def _suppress_long(frame: pd.DataFrame, index: str, columns: str, values: list[str],
                   k: int | None, config: Mapping | None,
                   exposed: set[tuple] = frozenset()) -> pd.DataFrame:
    """Suppress a long frame (one row per cell) as the index × columns table it stands for.

    Cells in exposed (keyed index, column) are hidden whatever their count: another view
    would give a small group away by subtraction (portal.domain.differencing).
    """
    frame = frame.copy()
    frame["k"] = _limits(frame["patients"], k, config).astype(float)
    frame.loc[[key in exposed for key in zip(frame[index], frame[columns], strict=True)],
              "k"] = np.inf
    if frame.empty:
        frame["suppressed"] = pd.Series(dtype=bool)
        return frame

    def table(column: str) -> pd.DataFrame:
        """The wide table of one column; absent cells are 0."""
        return frame.pivot(index=index, columns=columns, values=column).fillna(0)

    mask = suppression_mask(table("respondents"), table("k").replace(0, 1), table(values[0]))
    hidden = np.array([mask.at[i, c] for i, c in zip(frame[index], frame[columns],
                                                     strict=True)], dtype=bool)
    for column in values:
        frame[column] = frame[column].astype(float).mask(hidden)
    frame["suppressed"] = hidden
    return pd.concat([frame, _hidden_zeros(mask, frame, index, columns, values)],
                     ignore_index=True)


def _hidden_zeros(mask: pd.DataFrame, frame: pd.DataFrame, index: str, columns: str,
                  values: list[str]) -> pd.DataFrame:
    """Rows for empty cells hidden as a last resort: absent, a chart would draw them as 0."""
    present = set(zip(frame[index], frame[columns], strict=True))
    extra = [(i, c) for i in mask.index for c in mask.columns
             if mask.at[i, c] and (i, c) not in present]
    rows = pd.DataFrame(extra, columns=[index, columns])
    for column in values:
        rows[column] = np.nan
    rows["suppressed"] = True
    return rows


def _theme_order(version: CodebookVersion) -> dict[str, int]:
    """Theme id → its position in the codebook."""
    return {theme_id: n for n, theme_id in enumerate(version.theme_ids)}


def _ordered(frame: pd.DataFrame, version: CodebookVersion, column: str,
             group_order: bool = False) -> pd.DataFrame:
    """Add labels and sort by codebook order (then stakeholder-group order)."""
    names = codebook_labels(version.definition)
    order = _theme_order(version)
    frame = frame.assign(label=frame[column].map(lambda t: names.get(t, t)),
                         _order=frame[column].map(lambda t: order.get(t, len(order))))
    keys = ["_order", column]
    if group_order:
        frame["_group"] = frame["group"].map(lambda g: STAKEHOLDER_GROUPS.index(g)
                                             if g in STAKEHOLDER_GROUPS else len(order))
        keys.insert(1, "_group")
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _structure(definition: dict) -> list[dict]:
    """Nodes and themes in tree order, each with level, label, parent and ancestors."""
    levels = [level["id"] for level in definition.get("levels", [])]
    leaf_level = levels[-1] if levels else "theme"
    entries = [{**node, "taggable": False, "level": node.get("level", "")}
               for node in definition.get("nodes", [])]
    entries += [{**theme, "taggable": True, "level": theme.get("level", leaf_level)}
                for theme in definition["themes"]]
    by_id = {entry["id"]: entry for entry in entries}
    children: dict[str, list[dict]] = {}
    for entry in entries:
        parent = entry.get("parent") or ""
        children.setdefault(parent if parent in by_id else "", []).append(entry)
    ordered: list[dict] = []

    def walk(parent: str, ancestors: list[str]) -> None:
        """Depth first, in definition order."""
        for entry in children.get(parent, []):
            ordered.append({"id": entry["id"], "label": entry.get("label", entry["id"]),
                            "level": entry["level"], "parent": parent,
                            "taggable": entry["taggable"], "ancestors": list(ancestors)})
            walk(entry["id"], [entry["id"], *ancestors])

    walk("", [])
    return ordered


def _with_polarity(quote: Quote, wanted: str | None) -> Quote:
    """The quote with the polarity of its tag for the quoted theme."""
    polarity = next((t.polarity for t in quote.tags
                     if t.theme == quote.theme and (wanted is None or t.polarity == wanted)),
                    wanted)
    return Quote(quote.text, quote.theme, polarity, quote.group, quote.service_name,
                 quote.month, quote.tags)
