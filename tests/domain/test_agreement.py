"""Agreement statistics against published worked examples and hand-computed small cases."""

import pytest

from portal.domain.agreement import (
    ThemeAgreement,
    agreement_by_theme,
    cohen_kappa,
    krippendorff_alpha,
    overall_agreement,
    pairwise_kappa,
)

# Published values are printed to three decimals.
PUBLISHED = 5e-4


def crosstab(table: list[list[int]], categories: list[str]) -> tuple[list[str], list[str]]:
    """Expand a contingency table (rows: first coder, columns: second) into paired ratings."""
    first: list[str] = []
    second: list[str] = []
    for row, counts in zip(categories, table, strict=True):
        for column, count in zip(categories, counts, strict=True):
            first += [row] * count
            second += [column] * count
    return first, second


def reliability_units(*coders: str) -> list[list[int | str | None]]:
    """Units from coder rows written as in Krippendorff (2011), '.' marking a missing value."""
    rows = [[None if cell == "." else int(cell) if cell.isdigit() else cell
             for cell in coder.split()] for coder in coders]
    return [list(unit) for unit in zip(*rows, strict=True)]


def test_kappa_wikipedia_two_by_two():
    """Wikipedia, "Cohen's kappa", section "Simple example" (50 grant proposals, two readers).

    Yes/yes 20, yes/no 5, no/yes 10, no/no 15: p_o = 0.70, p_e = 0.50, kappa = 0.40.
    https://en.wikipedia.org/wiki/Cohen%27s_kappa#Simple_example
    """
    first, second = crosstab([[20, 5], [10, 15]], ["yes", "no"])
    assert cohen_kappa(first, second) == pytest.approx(0.40, abs=1e-12)


@pytest.mark.parametrize(("table", "published"), [
    ([[45, 15], [25, 15]], 0.1304),
    ([[25, 35], [5, 35]], 0.2593),
])
def test_kappa_wikipedia_same_agreement_different_margins(table, published):
    """Wikipedia, "Cohen's kappa", section "Same percentages but different numbers".

    Both tables have 60 of 100 agreements; the margins alone move kappa from 0.1304 to 0.2593.
    """
    first, second = crosstab(table, ["yes", "no"])
    assert cohen_kappa(first, second) == pytest.approx(published, abs=5e-5)


def test_kappa_cohen_three_categories():
    """Cohen (1968), Psychological Bulletin 70(4), 213-220, Table 1: three categories, N = 200.

    Cell proportions .44 .07 .09 / .05 .20 .05 / .01 .03 .06 give p_o = .70, p_c = .41 and
    kappa = .492 (the table the R psych package's cohen.kappa help reproduces: "cohen reports
    .492").
    """
    first, second = crosstab([[88, 14, 18], [10, 40, 10], [2, 6, 12]], ["i", "ii", "iii"])
    assert cohen_kappa(first, second) == pytest.approx(0.492, abs=PUBLISHED)


def test_kappa_edge_cases():
    """Perfect agreement is 1; no variation, or fewer than two paired units, is undefined."""
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == 1.0
    assert cohen_kappa(["yes"] * 5, ["yes"] * 5) is None
    assert cohen_kappa(["yes"], ["no"]) is None
    assert cohen_kappa([], []) is None
    # Complete disagreement between two constant coders is chance level, not undefined.
    assert cohen_kappa(["yes"] * 3, ["no"] * 3) == 0.0


def test_kappa_drops_units_either_coder_missed():
    """Units with a missing value on either side leave the published value unchanged."""
    first, second = crosstab([[20, 5], [10, 15]], ["yes", "no"])
    assert cohen_kappa([*first, None, "yes"], [*second, "no", None]) == pytest.approx(0.40)
    with pytest.raises(ValueError, match="different numbers of units"):
        cohen_kappa(["a", "b"], ["a"])


def test_alpha_krippendorff_binary_two_coders():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A.

    Binary data, two observers, ten units, no missing data: alpha = 0.095.
    https://repository.upenn.edu/asc_papers/43
    """
    units = reliability_units("0 1 0 0 0 0 0 0 1 0",
                              "1 1 1 0 0 1 0 0 0 0")
    assert krippendorff_alpha(units) == pytest.approx(0.095, abs=PUBLISHED)


def test_alpha_krippendorff_nominal_two_coders():
    """Krippendorff (2011), section B: nominal data, two observers, twelve units: alpha = 0.692."""
    units = reliability_units("a a b b d c c c e d d a",
                              "b a b b b c c c e d d d")
    assert krippendorff_alpha(units) == pytest.approx(0.692, abs=PUBLISHED)


# Krippendorff (2011), section C: four observers, twelve units, missing data.
FOUR_OBSERVERS = reliability_units("1 2 3 3 2 1 4 1 2 . . .",
                                   "1 2 3 3 2 2 4 1 2 5 . 3",
                                   ". 3 3 3 2 3 4 2 2 5 1 .",
                                   "1 2 3 3 2 4 4 1 2 5 1 .")


@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743),   # Krippendorff (2011), section C
    ("interval", 0.849),  # Krippendorff (2011), the same data as interval values
    # The same data at the other levels; values as the krippendorff package's doctests quote
    # them from the paper's page 8.
    ("ordinal", 0.815),
    ("ratio", 0.797),
])
def test_alpha_krippendorff_four_observers_missing_data(level, published):
    """Any number of observers with missing values; the lone value in unit 12 is unpairable."""
    assert krippendorff_alpha(FOUR_OBSERVERS, level) == pytest.approx(published, abs=PUBLISHED)


@pytest.mark.parametrize(("level", "published"), [("nominal", 0.691), ("interval", 0.811)])
def test_alpha_wikipedia_three_coders(level, published):
    """Wikipedia, "Krippendorff's alpha", section "A computational example": 3 coders, 15 units.

    https://en.wikipedia.org/wiki/Krippendorff%27s_alpha#A_computational_example
    """
    units = reliability_units(". . . . . 3 4 1 2 1 1 3 3 . 3",
                              "1 . 2 1 3 3 4 3 . . . . . . .",
                              ". . 2 1 3 4 4 . 2 1 1 3 3 . 4")
    assert krippendorff_alpha(units, level) == pytest.approx(published, abs=PUBLISHED)


def test_alpha_edge_cases():
    """Perfect agreement is 1; no variation or fewer than two pairable units is undefined."""
    assert krippendorff_alpha([["a", "a"], ["b", "b", None], ["c", "c", "c"]]) == 1.0
    assert krippendorff_alpha([["a", "a"], ["a", "a", "a"]]) is None
    assert krippendorff_alpha([["a", "b"], ["a", None], [None, "b"]]) is None
    assert krippendorff_alpha([]) is None
    # Values seen only in unpairable units do not make variation.
    assert krippendorff_alpha([["a", "a"], ["a", "a"], ["b", None]]) is None
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha([[1, 1], [2, 2]], "circular")
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha([["a", "a"], ["b", "b"]], "interval")


# Two coders, six shared responses (r7 coded by the engine alone, so it does not count).
TWO_CODERS = {
    "engine": {"r1": {"access"}, "r2": {"access", "cost"}, "r3": set(), "r4": {"cost"},
               "r5": {"access"}, "r6": set(), "r7": {"access"}},
    "user:12": {"r1": {"access"}, "r2": {"access"}, "r3": {"access"}, "r4": {"cost"},
                "r5": set(), "r6": set()},
}


def test_agreement_by_theme_two_coders():
    """Hand-computed per-theme kappa and alpha over the six responses both coders coded.

    access: 4/6 agree, each coder 3/6 yes: kappa = (2/3 - 1/2) / (1/2) = 1/3;
            alpha = 1 - 11 * 2 / (6 * 6) = 7/18.
    cost:   5/6 agree, engine 2/6 and human 1/6 yes: p_e = 22/36, kappa = 8/14 = 4/7;
            alpha = 1 - 11 * 1 / (9 * 3) = 16/27.
    staff:  nobody applies it, so there is no variation: both undefined.
    """
    access, cost, staff = agreement_by_theme(TWO_CODERS, ["access", "cost", "staff"])
    assert access == ThemeAgreement("access", pytest.approx(1 / 3), pytest.approx(7 / 18), 6,
                                    {"engine": 3, "user:12": 3})
    assert cost == ThemeAgreement("cost", pytest.approx(4 / 7), pytest.approx(16 / 27), 6,
                                  {"engine": 2, "user:12": 1})
    assert staff == ThemeAgreement("staff", None, None, 6, {"engine": 0, "user:12": 0})


def test_overall_agreement_pools_theme_unit_decisions():
    """18 theme x response decisions: 15 agree; engine says yes 5 times, the human 4.

    kappa = (15/18 - 202/324) / (1 - 202/324) = 34/61;
    alpha = 1 - 35 * 3 / (27 * 9) = 138/243.
    """
    kappa, alpha = overall_agreement(TWO_CODERS, ["access", "cost", "staff"])
    assert kappa == pytest.approx(34 / 61)
    assert alpha == pytest.approx(138 / 243)
    assert pairwise_kappa(TWO_CODERS, ["access", "cost", "staff"]) == {
        ("engine", "user:12"): pytest.approx(34 / 61)}


# Three coders; user:2 did not code u4.
THREE_CODERS = {
    "engine": {"u1": {"a"}, "u2": set(), "u3": {"a"}, "u4": set()},
    "user:1": {"u1": {"a"}, "u2": set(), "u3": set(), "u4": set()},
    "user:2": {"u1": {"a"}, "u2": {"a"}, "u3": {"a"}},
}


def test_three_coders_mean_pairwise_kappa_and_alpha_with_missing():
    """Hand-computed: pairwise kappas 1/2, 0 and 0 average to 1/6.

    engine-user:1 on u1-u4: 3/4 agree, p_e = 1/2, kappa = 1/2. Both pairs with user:2 on
    u1-u3: user:2 always says yes, so p_o = p_e and kappa = 0. Alpha over all three coders,
    u4 missing for user:2: 6 yes, 5 no, 2 disagreeing coincidences: 1 - 10 * 2 / 30 = 1/3.
    """
    assert pairwise_kappa(THREE_CODERS, ["a"]) == {
        ("engine", "user:1"): pytest.approx(0.5),
        ("engine", "user:2"): pytest.approx(0.0),
        ("user:1", "user:2"): pytest.approx(0.0),
    }
    [theme] = agreement_by_theme(THREE_CODERS, ["a"])
    assert theme == ThemeAgreement("a", pytest.approx(1 / 6), pytest.approx(1 / 3), 4,
                                   {"engine": 2, "user:1": 1, "user:2": 3})
    assert overall_agreement(THREE_CODERS, ["a"]) == (pytest.approx(1 / 6), pytest.approx(1 / 3))


def test_no_shared_units_is_undefined():
    """Coders who never coded the same unit give nothing to compare."""
    codings = {"engine": {"r1": {"a"}, "r2": set()}, "user:3": {"r3": {"a"}, "r4": set()}}
    assert agreement_by_theme(codings, ["a"]) == [ThemeAgreement("a", None, None, 0,
                                                                 {"engine": 0, "user:3": 0})]
    assert overall_agreement(codings, ["a"]) == (None, None)
    assert pairwise_kappa(codings, ["a"]) == {("engine", "user:3"): None}
    assert overall_agreement({}, ["a"]) == (None, None)
