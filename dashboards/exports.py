"""CSV exports of a chart's data: suppressed cells spelled out, formula injection defused."""

import math
import re
from datetime import date

import pandas as pd

# A cell a spreadsheet would run as a formula (OWASP's list: = + - @, tab and carriage return).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FILENAME_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def fewer_than(k: int) -> str:
    """How a suppressed cell reads in tables and exports."""
    return f"fewer than {k}"


def suppressed_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose missing numbers were hidden: the domain's "suppressed" flag or a non-empty
    "hidden" note where the frame has one, else every row (missing means hidden)."""
    if "suppressed" in frame.columns:
        return frame["suppressed"].fillna(False).astype(bool)
    if "hidden" in frame.columns:
        return frame["hidden"].fillna("").astype(str).str.len() > 0
    return pd.Series(True, index=frame.index)


def show_suppressed(frame: pd.DataFrame, columns: list[str], k: int) -> pd.DataFrame:
    """A copy with the hidden values of the suppressible columns written as "fewer than k"."""
    shown = frame.copy()
    rows = suppressed_rows(frame)
    for column in columns:
        if column in shown.columns:
            hidden = shown[column].isna() & rows
            shown[column] = shown[column].astype(object).where(~hidden, fewer_than(k))
    return shown


def defuse(value):
    """Prefix a text cell a spreadsheet would evaluate with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) defused; numbers are left alone."""
    safe = frame.copy()
    safe.columns = [defuse(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(defuse)
    return safe


def to_csv(frame: pd.DataFrame, suppressible: list[str], k: int) -> str:
    """The CSV text of a chart's data, privacy and spreadsheet safe."""
    return safe_frame(show_suppressed(frame, suppressible, k)).to_csv(index=False)


def filename(chart: str, today: date | None = None) -> str:
    """A download name such as uptake-theme_by_group-2026-05-01.csv."""
    stem = FILENAME_UNSAFE.sub("-", chart.lower()).strip("-") or "chart"
    return f"uptake-{stem}-{(today or date.today()).isoformat()}.csv"


NO_DATA = "–"


def cell(value) -> str:
    """One table cell for the page (suppressed cells arrive already spelled out)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NO_DATA
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return str(value)


# Per chart, the columns whose missing values mean "suppressed" (not "unknown").
SUPPRESSIBLE = {
    "theme_by_group": ["mentions", "respondents"],
    "polarity_by_theme": ["barrier", "facilitator", "neutral", "respondents"],
    "theme_trend": ["mentions", "respondents"],
    "cooccurrence": ["answers", "respondents"],
    "structure_counts": ["answers", "respondents"],
    "oric": ["mean", "sd", "ci_low", "ci_high"],
    "nomad": ["mean", "sd", "ci_low", "ci_high"],
    "cfir_valence": ["barrier", "facilitator", "mentions", "respondents", "valence",
                     "valence_low", "valence_high"],
    "readiness": ["index", "index_low", "index_high", "questionnaire", "questionnaire_low",
                  "questionnaire_high", "oric_mean", "text", "text_low", "text_high", "valence",
                  "barrier", "facilitator", "mentions", "text_respondents"],
    "waves": [],  # a missing wave value may be hidden or absent: shown as "–", explained
    "strategies": ["barrier_mentions", "respondents"],
    "uptake_services": ["uses", "rate"],
    "uptake_links": ["uses", "rate"],
}
STAFF_ONLY = {"oric", "nomad", "readiness", "waves"}
