"""The readiness page's numbers: ORIC and NoMAD per service, text valence per CFIR domain, the
readiness index and its waves. The formula itself lives in readiness_formula.

Every query reads the monthly rollups (portal.domain.rollups), scoped by
`cell_conditions(user, filters)`. A respondent's construct score is the mean of the items they
answered, rolled up as count, sum and sum of squares, so a service's mean and sd follow from
the moments (with the n/(n-1) correction in readiness_formula.estimate). Text counts come from
the CFIR keys of the icbt-implementation codebook version the filters name (the current one
when the filters name another codebook).

Small cells: a questionnaire mean from fewer than k respondents is hidden (NaN, suppressed
True; the staff k, as only staff answer ORIC and NoMAD). Text cells from fewer than k
respondents are hidden with complementary suppression across each service's CFIR domains
(the patient k where patients' answers are in the cell). Pass `config` or a fixed `k`.
"""

import functools
import tomllib
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy import (
    Integer,
    case,
    cast,
    func,
    select,
)
from sqlalchemy.orm import Session

from portal.config import REPO_ROOT
from portal.domain.dashboard_filters import (
    DEFAULT_CODEBOOK,
    Filters,
    codebook_version,
)
from portal.domain.differencing import exposed_cells
from portal.domain.readiness_formula import (
    READINESS_FORMULA,
    Estimate,
    change,
    estimate,
    readiness_index,
    valence,
)
from portal.domain.rollup_keys import ANY
from portal.domain.rollup_queries import cell_conditions, has_patients, theme_rows
from portal.domain.suppression import k_patient, k_staff, suppression_mask
from portal.models import CodebookVersion, ScoreRollup, Service, ThemeRollup, User

__all__ = ["READINESS_FORMULA", "Estimate", "cfir_valence", "item_constructs", "nomad", "oric",
           "readiness", "text_version", "waves"]

BLOCKS = REPO_ROOT / "surveys" / "blocks"
ORIC_CONSTRUCTS = ("change_commitment", "change_efficacy")
NOMAD_CONSTRUCTS = ("coherence", "cognitive_participation", "collective_action",
                    "reflexive_monitoring", "general")
CFIR_DOMAINS = ("Innovation", "Outer setting", "Inner setting", "Individuals",
                "Implementation process")
ESTIMATE_COLUMNS = ["service_id", "service", "construct", "mean", "n", "sd", "ci_low", "ci_high",
                    "suppressed"]
VALENCE_COLUMNS = ["service_id", "service", "cfir_domain", "barrier", "facilitator", "mentions",
                   "respondents", "valence", "valence_low", "valence_high", "suppressed"]
READINESS_COLUMNS = ["service_id", "service", "index", "index_low", "index_high",
                     "questionnaire", "questionnaire_low", "questionnaire_high", "oric_mean",
                     "oric_n", "text", "text_low", "text_high", "valence", "barrier",
                     "facilitator", "mentions", "text_respondents", "basis", "flag", "hidden"]
WAVE_COLUMNS = ["service_id", "service", "wave", "wave_end", "oric_mean", "oric_n",
                "oric_ci_low", "oric_ci_high", "valence", "mentions", "index", "index_low",
                "index_high", "flag", "index_change", "oric_change", "valence_change"]
POLAR = ("barrier", "facilitator")
R, S = ThemeRollup, ScoreRollup


@functools.cache
def item_constructs(block: str) -> dict[str, str]:
    """Item id → construct of a shipped block (oric, nomad); item ids are stable across
    instrument versions, so one map serves every response."""
    with open(BLOCKS / f"{block}.toml", "rb") as handle:
        data = tomllib.load(handle)
    return {item["id"]: item["construct"] for item in data["items"] if item.get("construct")}


def oric(session: Session, user: User, filters: Filters, *, k: int | None = None,
         config: Mapping | None = None) -> pd.DataFrame:
    """Per service: change_commitment, change_efficacy and overall (all 12 items) as Estimates."""
    frame = _estimates(session, user, filters, "oric", limit=_staff_k(k, config))
    return _hide_small(_ordered(frame, ORIC_CONSTRUCTS + ("overall",)), _staff_k(k, config))


def nomad(session: Session, user: User, filters: Filters, *, k: int | None = None,
          config: Mapping | None = None) -> pd.DataFrame:
    """Per service: the four NoMAD constructs (1-5) and the general items (0-10) as Estimates.

    Not-relevant answers are stored as text (value_int NULL) and so never enter a mean.
    """
    frame = _estimates(session, user, filters, "nomad", limit=_staff_k(k, config))
    return _hide_small(_ordered(frame, NOMAD_CONSTRUCTS), _staff_k(k, config))


def cfir_valence(session: Session, user: User, filters: Filters, *, k: int | None = None,
                 config: Mapping | None = None) -> pd.DataFrame:
    """Per service and CFIR domain: barrier and facilitator mentions, respondents, valence.

    The domain is the theme's `cfir_domain` in the codebook version's definition; valence and
    its interval follow readiness_formula.valence (None without mentions).
    """
    version = text_version(session, filters)
    if version is None:
        return pd.DataFrame(columns=VALENCE_COLUMNS)
    query = _text_counts(user, filters, version, "domain", R.a)
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["service_id", "service", "cfir_domain", "barrier",
                                  "facilitator", "respondents", "patients"])
    frame["mentions"] = frame["barrier"] + frame["facilitator"]
    exposed = exposed_cells(session, filters, R, [R.service_id, R.a],
                            case((R.b == ANY, R.respondents), else_=0),
                            lambda f: theme_rows(user, f, version.id, "domain"),
                            shown=["services"], k=k, config=config)
    frame = _hide_text_cells(frame, k, config, exposed)
    values = [valence(b, f) if not hidden else None for b, f, hidden in
              zip(frame["barrier"].fillna(0), frame["facilitator"].fillna(0),
                  frame["suppressed"], strict=True)]
    frame["valence"] = [v.value if v else None for v in values]
    frame["valence_low"] = [v.low if v else None for v in values]
    frame["valence_high"] = [v.high if v else None for v in values]
    order = {d: i for i, d in enumerate(CFIR_DOMAINS)}
    frame = frame.assign(_o=frame["cfir_domain"].map(lambda d: order.get(d, len(order))))
    frame = frame.sort_values(["service", "service_id", "_o"], kind="stable")
    return frame[VALENCE_COLUMNS].reset_index(drop=True)


def readiness(session: Session, user: User, filters: Filters, *, k: int | None = None,
              config: Mapping | None = None) -> pd.DataFrame:
    """Per service: the readiness index (0-100) with its interval, both components, the
    disagreement flag, and which component (if any) small-cell suppression hid."""
    limit = _staff_k(k, config)
    scores, exposed = _overall_scores(session, user, filters, limit)
    text = _pooled_text(session, user, filters, k, config)
    keys = sorted(set(scores) | set(text), key=lambda key: (key[1], key[0]))
    rows = []
    for key in keys:
        oric_estimate = scores.get(key)
        hidden = []
        if oric_estimate is not None and (oric_estimate.n < limit or key in exposed):
            oric_estimate, hidden = None, ["questionnaire"]
        counts = text.get(key)
        text_valence = None
        if counts is not None:
            if counts["hidden"]:
                hidden.append("text")
            else:
                text_valence = valence(counts["barrier"], counts["facilitator"])
        result = readiness_index(oric_estimate, text_valence)
        rows.append({
            "service_id": key[0], "service": key[1], "index": result.index,
            "index_low": result.low, "index_high": result.high,
            "questionnaire": result.questionnaire, "questionnaire_low": result.questionnaire_low,
            "questionnaire_high": result.questionnaire_high,
            "oric_mean": oric_estimate.mean if oric_estimate else None,
            "oric_n": scores[key].n if key in scores else 0,
            "text": result.text, "text_low": result.text_low, "text_high": result.text_high,
            "valence": text_valence.value if text_valence else None,
            "barrier": text_valence.barrier if text_valence else None,
            "facilitator": text_valence.facilitator if text_valence else None,
            "mentions": text_valence.mentions if text_valence else None,
            "text_respondents": counts["respondents"] if counts and not counts["hidden"]
            else None,
            "basis": result.basis, "flag": result.flag, "hidden": ", ".join(hidden)})
    return pd.DataFrame(rows, columns=READINESS_COLUMNS)


def waves(session: Session, user: User, filters: Filters, months: int = 6, *,
          k: int | None = None, config: Mapping | None = None) -> pd.DataFrame:
    """Per service and wave (calendar periods of `months` months; 6: Jan-Jun, Jul-Dec): ORIC
    overall, text valence and the index, with the change from the service's previous wave
    that has data. Hidden components (fewer than k respondents) count as missing."""
    if not 1 <= months <= 24:
        raise ValueError("A wave is 1 to 24 months long.")
    limit = _staff_k(k, config)
    scores, exposed = _overall_scores(session, user, filters, limit, months)
    text = _pooled_text(session, user, filters, k, config, months)
    rows = []
    for key in sorted(set(scores) | set(text), key=lambda key: (key[1], key[0], key[2])):
        oric_estimate = scores.get(key)
        if oric_estimate is not None and (oric_estimate.n < limit or key in exposed):
            oric_estimate = None
        counts = text.get(key)
        text_valence = valence(counts["barrier"], counts["facilitator"]) \
            if counts and not counts["hidden"] else None
        result = readiness_index(oric_estimate, text_valence)
        start = int(key[2]) * months
        end = start + months - 1
        rows.append({
            "service_id": key[0], "service": key[1],
            "wave": f"{start // 12:04d}-{start % 12 + 1:02d}",
            "wave_end": f"{end // 12:04d}-{end % 12 + 1:02d}",
            "oric_mean": oric_estimate.mean if oric_estimate else None,
            "oric_n": scores[key].n if key in scores else 0,
            "oric_ci_low": oric_estimate.ci_low if oric_estimate else None,
            "oric_ci_high": oric_estimate.ci_high if oric_estimate else None,
            "valence": text_valence.value if text_valence else None,
            "mentions": text_valence.mentions if text_valence else None,
            "index": result.index, "index_low": result.low, "index_high": result.high,
            "flag": result.flag})
    frame = pd.DataFrame(rows, columns=WAVE_COLUMNS)
    previous: dict[int, dict] = {}
    for position, row in frame.iterrows():
        before = previous.get(row["service_id"])
        for column in ("index", "oric_mean", "valence"):
            name = "oric_change" if column == "oric_mean" else f"{column}_change"
            frame.at[position, name] = change(_none(row[column]),
                                              _none(before[column]) if before else None)
        previous[row["service_id"]] = row.to_dict()
    return frame


def text_version(session: Session, filters: Filters) -> CodebookVersion | None:
    """The icbt-implementation version whose tags give text valence: the filters' version
    when they name that codebook, else its current version."""
    if filters.codebook == DEFAULT_CODEBOOK:
        return codebook_version(session, filters)
    return codebook_version(session, filters.with_(codebook=DEFAULT_CODEBOOK, version=None))


def cfir_of(version: CodebookVersion, field: str) -> dict[str, list[str]]:
    """CFIR domain (field="cfir_domain") or construct → the version's theme ids under it."""
    found: dict[str, list[str]] = {}
    for theme in version.definition.get("themes", []):
        if theme.get(field):
            found.setdefault(theme[field], []).append(theme["id"])
    return found


# --- queries -------------------------------------------------------------------------------

def _estimates(session: Session, user: User, filters: Filters, block: str,
               months: int | None = None, *, limit: int) -> pd.DataFrame:
    """Service × construct (× wave) estimates of a block from the score rollups; `exposed`
    marks those another filter would give away by subtraction (portal.domain.differencing)."""
    keys = [S.service_id, Service.name, S.construct]
    if months is not None:
        keys.append(_wave_of(S.month, months).label("wave"))

    def conditions(wider: Filters) -> list:
        """The block's rows under some filters, scoped."""
        return [S.construct.startswith(f"{block}:"), *cell_conditions(user, wider, S)]

    exposed = exposed_cells(session, filters, S, [S.service_id, S.construct] + keys[3:], S.n,
                            conditions, shown=["services"], k=limit)
    n = func.sum(S.n)
    query = select(*keys, n.label("n"), (func.sum(S.total) / n).label("mean"),
                   (func.sum(S.total_sq) / n).label("mean_sq")) \
        .join(Service, Service.id == S.service_id) \
        .where(S.construct.startswith(f"{block}:"), *cell_conditions(user, filters, S)) \
        .group_by(*keys)
    rows = []
    for row in session.execute(query):
        result = estimate(row.n, row.mean, row.mean_sq)
        key = (row.service_id, row.construct) + ((row.wave,) if months is not None else ())
        rows.append({"service_id": row.service_id, "service": row.name,
                     "construct": row.construct.split(":", 1)[1],
                     **({"wave": row.wave} if months is not None else {}),
                     "mean": result.mean, "n": result.n, "sd": result.sd,
                     "ci_low": result.ci_low, "ci_high": result.ci_high,
                     "exposed": key in exposed})
    columns = ["service_id", "service", "construct", "mean", "n", "sd", "ci_low", "ci_high",
               "exposed"]
    return pd.DataFrame(rows, columns=columns + (["wave"] if months is not None else []))


def _overall_scores(session: Session, user: User, filters: Filters, limit: int,
                    months: int | None = None) -> tuple[dict, set]:
    """(service_id, service[, wave]) → the ORIC overall Estimate (not yet suppressed), and
    the keys whose estimate another filter would give away."""
    frame = _estimates(session, user, filters, "oric", months, limit=limit)
    frame = frame[frame["construct"] == "overall"]
    found, exposed = {}, set()
    for row in frame.itertuples(index=False):
        key = (row.service_id, row.service) + ((row.wave,) if months is not None else ())
        found[key] = Estimate(_none(row.mean), int(row.n), _none(row.sd), _none(row.ci_low),
                              _none(row.ci_high))
        if row.exposed:
            exposed.add(key)
    return found, exposed


def _text_counts(user: User, filters: Filters, version: CodebookVersion, kind: str, *keys):
    """SELECT service, keys, barrier and facilitator mentions, respondents, has-patients,
    from the rollups' CFIR keys of a kind ("domain", "construct" or "polar")."""
    # For domains and constructs the polarity is b; for the pooled "polar" key it is a.
    polarity = R.a if kind == "polar" else R.b
    columns = [R.service_id, Service.name, *keys]
    return select(*columns,
                  func.sum(case((polarity == "barrier", R.mentions), else_=0)),
                  func.sum(case((polarity == "facilitator", R.mentions), else_=0)),
                  func.sum(case((polarity == ANY, R.respondents), else_=0)),
                  has_patients(R)) \
        .join(Service, Service.id == R.service_id) \
        .where(*theme_rows(user, filters, version.id, kind)).group_by(*columns)


def _pooled_text(session: Session, user: User, filters: Filters, k: int | None,
                 config: Mapping | None, months: int | None = None) -> dict:
    """(service_id, service[, wave]) → barrier, facilitator, respondents, hidden (< k)."""
    version = text_version(session, filters)
    if version is None:
        return {}
    keys = [_wave_of(R.month, months).label("wave")] if months is not None else []
    exposed = exposed_cells(session, filters, R, [R.service_id, *keys],
                            case((R.a == ANY, R.respondents), else_=0),
                            lambda f: theme_rows(user, f, version.id, "polar"),
                            shown=["services"], k=k, config=config)
    found = {}
    for row in session.execute(_text_counts(user, filters, version, "polar", *keys)):
        values = tuple(row)
        key, (barrier, facilitator, respondents, patients) = values[:-4], values[-4:]
        limit = k if k is not None else (k_patient(config) if patients else k_staff(config))
        found[key] = {"barrier": int(barrier), "facilitator": int(facilitator),
                      "respondents": int(respondents),
                      "hidden": respondents < limit or (key[0], *key[2:]) in exposed}
    return found


# --- helpers -------------------------------------------------------------------------------

def _wave_of(month, months: int):
    """SQL: the wave number of a YYYY-MM column (months since year 0, floor-divided)."""
    return (cast(func.substr(month, 1, 4), Integer) * 12
            + cast(func.substr(month, 6, 2), Integer) - 1) // months


def _staff_k(k: int | None, config: Mapping | None) -> int:
    """The threshold for questionnaire means: k if given, else the staff k."""
    return int(k) if k is not None else k_staff(config)


def _hide_small(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Hide the statistics of rows from fewer than `limit` respondents."""
    frame = frame.copy()
    small = (frame["n"] < limit) | frame["exposed"].astype(bool)
    for column in ("mean", "sd", "ci_low", "ci_high"):
        frame[column] = frame[column].astype(float).mask(small)
    frame["suppressed"] = small.astype(bool)
    return frame[ESTIMATE_COLUMNS].reset_index(drop=True)


def _hide_text_cells(frame: pd.DataFrame, k: int | None, config: Mapping | None,
                     exposed: set[tuple]) -> pd.DataFrame:
    """Suppress service × domain text cells (primary, exposed to differencing, complementary)."""
    frame = frame.copy()
    if frame.empty:
        frame["suppressed"] = pd.Series(dtype=bool)
        return frame
    frame["k"] = float(k) if k is not None else np.where(
        frame["patients"] > 0, k_patient(config), k_staff(config)).astype(float)
    frame.loc[[key in exposed for key in zip(frame["service_id"], frame["cfir_domain"],
                                             strict=True)], "k"] = np.inf

    def table(column: str) -> pd.DataFrame:
        """The service × domain table of one column (absent cells 0)."""
        return frame.pivot(index="service_id", columns="cfir_domain", values=column).fillna(0)

    mask = suppression_mask(table("respondents"), table("k").replace(0, 1), table("mentions"))
    hidden = np.array([mask.at[s, d] for s, d in zip(frame["service_id"], frame["cfir_domain"],
                                                     strict=True)], dtype=bool)
    for column in ("barrier", "facilitator", "mentions", "respondents"):
        frame[column] = frame[column].astype(float).mask(hidden)
    frame["suppressed"] = hidden
    return frame


def _ordered(frame: pd.DataFrame, constructs: tuple[str, ...]) -> pd.DataFrame:
    """Sort by service name, then construct in instrument order."""
    order = {c: i for i, c in enumerate(constructs)}
    frame = frame.assign(_o=frame["construct"].map(lambda c: order.get(c, len(order))))
    return frame.sort_values(["service", "service_id", "_o"], kind="stable") \
        .drop(columns="_o").reset_index(drop=True)


def _none(value):
    """NaN → None, so that formula functions see missing values as None."""
    if value is None:
        return None
    try:
        return None if np.isnan(value) else float(value)
    except TypeError:
        return value
