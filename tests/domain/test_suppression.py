"""Small-cell suppression: primary cells, complements that stop totals revealing them, k."""

import math

import pandas as pd
import pytest

from portal.domain.suppression import (
    k_for,
    suppress_series,
    suppress_table,
    suppress_total,
    suppression_mask,
)


def table(rows: list[list[int]]) -> pd.DataFrame:
    """A rows × columns frame with labelled axes."""
    return pd.DataFrame(rows, index=[f"r{i + 1}" for i in range(len(rows))],
                        columns=[f"c{j + 1}" for j in range(len(rows[0]))])


def hidden(result: pd.DataFrame) -> set[tuple[str, str]]:
    """The (row, column) labels of the NaN cells."""
    return {(r, c) for r in result.index for c in result.columns if pd.isna(result.at[r, c])}


@pytest.mark.parametrize(("groups", "config", "expected"), [
    (["patient"], {}, 10),
    (["therapist", "patient"], {}, 10),
    (["therapist"], {}, 5),
    (["therapist", "service_manager", "vendor"], {}, 5),
    ([], {}, 10),  # not narrowed: patients may be in it
    (["patient"], {"SUPPRESSION_K_PATIENT": 12, "SUPPRESSION_K_STAFF": 3}, 12),
    (["vendor"], {"SUPPRESSION_K_PATIENT": 12, "SUPPRESSION_K_STAFF": 3}, 3),
])
def test_k_for_takes_the_patient_k_when_patients_are_in(groups, config, expected):
    """Patient data needs the larger k; the config mapping overrides the defaults."""
    assert k_for(groups, config) == expected


def test_k_for_without_config_uses_the_defaults():
    """No mapping at all is the same as an empty one."""
    assert (k_for(["patient"]), k_for(["therapist"])) == (10, 5)


def test_cells_below_k_are_hidden_and_zeros_stay():
    """0 < respondents < k is hidden; 0 is shown; k itself is shown."""
    counts = table([[0, 3, 20], [5, 30, 40], [7, 50, 60]])
    result = suppress_table(counts, counts, 5)
    assert result.at["r1", "c1"] == 0 and result.at["r2", "c1"] == 5
    assert pd.isna(result.at["r1", "c2"])


def test_a_lone_hidden_cell_in_a_row_takes_the_next_smallest_with_it():
    """Row total 3 + 20 + 9 = 32 with 20 and 9 shown would give the 3 away: 9 goes too.

    The 9 is the smallest visible non-zero cell of the row (not the 20); its column then
    holds one hidden cell, so that column's next smallest (the 12) is hidden as well.
    """
    counts = table([[3, 20, 9], [15, 40, 12], [30, 50, 60]])
    result = suppress_table(counts, counts, 5)
    assert hidden(result) == {("r1", "c1"), ("r1", "c3"), ("r2", "c1"), ("r2", "c3")}
    assert result.at["r1", "c2"] == 20 and result.at["r3", "c3"] == 60
    # No line is left with exactly one hidden cell.
    mask = result.isna()
    assert set(mask.sum(axis=1)) <= {0, 2} and set(mask.sum(axis=0)) <= {0, 2}


def test_complementary_suppression_cascades_until_stable():
    """One small cell ripples: its row, then both touched columns, need a second hidden cell.

        c1  c2  c3        r1c1 (2) primary; row r1 → r1c2 (10); column c1 → r2c1 (30);
    r1   2  10  20        column c2 → r2c2 (40). Then every line has 0 or 2 hidden cells.
    r2  30  40  50
    r3  60  70  80
    """
    counts = table([[2, 10, 20], [30, 40, 50], [60, 70, 80]])
    result = suppress_table(counts, counts, 5)
    assert hidden(result) == {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")}


def test_a_small_cell_alone_in_its_row_leaves_a_small_total():
    """A single non-zero cell in a row cannot be protected by a complement in that row; the
    row total is then < k itself, so suppress_total hides it."""
    counts = table([[3, 0, 0], [20, 30, 40], [25, 35, 45]])
    result = suppress_table(counts, counts, 5)
    # Column c1 takes r2c1 (20), row r2 then r2c2 (30), column c2 then r3c2 (35), row r3
    # then r3c1 (25); r1 keeps its lone small cell (its total is 3) and its zeros.
    assert hidden(result) == {("r1", "c1"), ("r2", "c1"), ("r2", "c2"), ("r3", "c1"),
                              ("r3", "c2")}
    assert result.at["r1", "c2"] == 0 and result.at["r1", "c3"] == 0
    assert math.isnan(suppress_total(3, 3, 5))


def test_a_complement_alone_among_zeros_hides_a_zero():
    """In a 2 × 2 table one small cell takes all four: after r2c1 and r2c2, column c2 holds
    the complement 30 beside a zero, and its total (30) would show it, so the zero goes too."""
    counts = table([[3, 0], [20, 30]])
    result = suppress_table(counts, counts, 5)
    assert hidden(result) == {("r1", "c1"), ("r1", "c2"), ("r2", "c1"), ("r2", "c2")}
    assert suppress_total(50, 50, 5) == 50 and suppress_total(0, 0, 5) == 0


def test_the_complement_is_chosen_by_respondents_not_mentions():
    """Counts and respondents differ (several mentions per respondent): respondents rank."""
    counts = table([[4, 30, 12]])
    respondents = table([[2, 6, 9]])
    result = suppress_table(counts, respondents, 5)
    assert hidden(result) == {("r1", "c1"), ("r1", "c2")}


def test_k_can_differ_per_cell():
    """A patient column with k 10 and a staff column with k 5."""
    counts = table([[6, 6], [30, 30], [40, 40]])
    limits = pd.DataFrame({"c1": [5, 5, 5], "c2": [10, 10, 10]}, index=counts.index)
    mask = suppression_mask(counts, limits, counts)
    # r1c2 (6 < 10) is primary; r1c1 complements the row, r2c2 the column, r2c1 both.
    assert {(r, c) for r in mask.index for c in mask.columns if mask.at[r, c]} == {
        ("r1", "c2"), ("r1", "c1"), ("r2", "c2"), ("r2", "c1")}


def test_symmetric_tables_hide_mirror_images():
    """A theme × theme matrix stays symmetric."""
    counts = table([[0, 2, 30, 40], [2, 0, 50, 60], [30, 50, 0, 70], [40, 60, 70, 0]])
    counts.columns = counts.index
    result = suppress_table(counts, counts, 5, symmetric=True)
    mask = result.isna()
    assert mask.at["r1", "r2"] and mask.at["r2", "r1"]
    assert (mask.to_numpy() == mask.T.to_numpy()).all()
    assert (mask.sum(axis=1) != 1).all()


def test_suppress_series_hides_small_bars_and_a_complement():
    """One small bar out of four: the next smallest goes too when a total is shown."""
    values = pd.Series([3, 8, 20, 0], index=list("abcd"))
    shown, people = suppress_series(values, values, 5)
    assert shown.isna().tolist() == [True, True, False, False]
    assert people.isna().tolist() == [True, True, False, False]
    alone, _ = suppress_series(values, values, 5, complementary=False)
    assert alone.isna().tolist() == [True, False, False, False]


def test_nothing_small_means_nothing_hidden():
    """A table where every non-zero cell has k or more respondents is returned unchanged."""
    counts = table([[5, 0], [6, 7]])
    assert suppress_table(counts, counts, 5).equals(counts.astype(float))
