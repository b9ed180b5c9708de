"""Small-cell suppression: no number, and no total, may reveal a group smaller than k.

A cell counted from fewer than k distinct respondents is hidden (primary suppression). Where a
row or column then has exactly one hidden cell, its total (or the visible cells plus a total
shown elsewhere) would give the hidden cell away, so the next-smallest non-zero cell of that
line is hidden too (complementary suppression), repeated until no line has a lone hidden cell.

Hidden cells are NaN in the returned frames (`pd.isna` finds them); zeros normally stay
visible. The module knows nothing of Flask: callers pass the app's config mapping, or a k.
"""

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

SUPPRESSED = None  # how a suppressed cell is represented in results (NaN in numeric columns)
K_PATIENT_KEY, K_STAFF_KEY = "SUPPRESSION_K_PATIENT", "SUPPRESSION_K_STAFF"
DEFAULT_K_PATIENT, DEFAULT_K_STAFF = 10, 5


def k_patient(config: Mapping | None = None) -> int:
    """The threshold for cells with patients in them (config, else 10)."""
    return int((config or {}).get(K_PATIENT_KEY, DEFAULT_K_PATIENT))


def k_staff(config: Mapping | None = None) -> int:
    """The threshold for staff-only cells (config, else 5)."""
    return int((config or {}).get(K_STAFF_KEY, DEFAULT_K_STAFF))


def k_for(groups: Iterable[str], config: Mapping | None = None) -> int:
    """The patient k when patients are among the groups, else the staff k.

    No groups at all means "not narrowed", which may include patients: the patient k.
    """
    groups = list(groups)
    if not groups or "patient" in groups:
        return k_patient(config)
    return k_staff(config)


def suppression_mask(respondents: pd.DataFrame, k: "int | pd.DataFrame",
                     counts: pd.DataFrame | None = None, *,
                     symmetric: bool = False) -> pd.DataFrame:
    """True where a cell must be hidden: primary cells, then complementary ones until stable.

    k is one threshold or a frame of thresholds shaped like respondents (a cell with patients
    may need a larger k than a staff-only one). Among a line's candidates the one with the
    fewest respondents goes first, then the smallest count, then the first in order (zeros only
    as a last resort, see the module docstring). With
    symmetric=True (a theme × theme matrix) a hidden cell also hides its mirror image.
    """
    people = respondents.fillna(0).to_numpy(dtype=float)
    values = people if counts is None else counts.reindex_like(respondents).fillna(0) \
        .to_numpy(dtype=float)
    limits = k.reindex_like(respondents).to_numpy(dtype=float) \
        if isinstance(k, pd.DataFrame) else np.full(people.shape, float(k))
    mask = (people > 0) & (people < limits)
    if symmetric:
        mask |= mask.T
    changed = True
    while changed:
        changed = False
        for grid, view, vals, small in ((mask, people, values, limits),
                                        (mask.T, people.T, values.T, limits.T)):
            for line in range(grid.shape[0]):
                if grid[line].sum() != 1:
                    continue
                candidates = [j for j in range(grid.shape[1])
                              if not grid[line, j] and view[line, j] > 0]
                lone = int(np.flatnonzero(grid[line])[0])
                if not candidates and view[line, lone] >= small[line, lone]:
                    # A complementary cell alone among zeros: the line's total (>= k, so
                    # shown) would give it away, and through it the small cell. Hide a zero
                    # (never a diagonal cell of a symmetric table: those are not shown).
                    candidates = [j for j in range(grid.shape[1])
                                  if not grid[line, j] and not (symmetric and j == line)]
                if not candidates:
                    continue  # the line's total is the small cell itself: < k, hidden too
                chosen = min(candidates, key=lambda j: (view[line, j], vals[line, j], j))
                grid[line, chosen] = True  # grid is a view: this writes into mask
                if symmetric:
                    i, j = (line, chosen) if grid is mask else (chosen, line)
                    mask[j, i] = True
                changed = True
    return pd.DataFrame(mask, index=respondents.index, columns=respondents.columns)


def suppress_table(counts: pd.DataFrame, respondents: pd.DataFrame,
                   k: "int | pd.DataFrame", *, symmetric: bool = False) -> pd.DataFrame:
    """The counts with small cells and their complements as NaN (float frame, same shape).

    counts: rows × columns of numbers; respondents: the distinct respondents behind each cell
    (same labels). Cells with 0 < respondents < k are hidden, then complementary cells (see
    suppression_mask). A total shown alongside must come from the database with its own
    respondent count and be shown only when that count is ≥ k (suppress_total).
    """
    mask = suppression_mask(respondents, k, counts, symmetric=symmetric)
    return counts.reindex_like(respondents).astype(float).mask(mask)


def suppress_series(values: pd.Series, respondents: pd.Series, k: "int | pd.Series", *,
                    complementary: bool = True) -> tuple[pd.Series, pd.Series]:
    """The 1-D version for bars: (values, respondents), both with hidden entries as NaN.

    With complementary=True the series is one line whose total may be shown, so a lone hidden
    entry takes the next-smallest non-zero entry with it. Pass False when the entries do not
    add up to anything shown (one respondent may sit in several of them).
    """
    people = respondents.reindex(values.index).fillna(0).astype(float)
    limits = k.reindex(values.index).astype(float) if isinstance(k, pd.Series) \
        else pd.Series(float(k), index=values.index)
    if complementary:
        def line(series: pd.Series) -> pd.DataFrame:
            """The series as a one-row table."""
            return pd.DataFrame([series.to_numpy(dtype=float)], columns=values.index)

        mask = suppression_mask(line(people), line(limits), line(values)).iloc[0]
    else:
        mask = (people > 0) & (people < limits)
    return values.astype(float).mask(mask), people.mask(mask)


def suppress_total(total: float, respondents: float, k: int) -> float:
    """A total shown beside a table: the number itself, or NaN when from fewer than k."""
    return float(total) if respondents >= k or respondents == 0 else float("nan")
