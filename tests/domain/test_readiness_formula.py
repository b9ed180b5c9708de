"""The readiness arithmetic against values computed by hand (no database)."""

import math

import pytest

from portal.domain.readiness_formula import (
    READINESS_FORMULA,
    Estimate,
    change,
    direction,
    disagreement,
    estimate,
    oric_to_100,
    readiness_index,
    valence,
    valence_to_100,
)

T2 = 4.302652729749464  # t(0.975, 2), from a t table


def test_estimate_from_moments():
    """Scores 3, 4, 5: mean 4, sd 1, CI 4 +/- 4.3027 / sqrt(3) = (1.5159, 6.4841)."""
    result = estimate(3, 4.0, (9 + 16 + 25) / 3)
    assert result.n == 3 and result.mean == 4.0 and result.sd == pytest.approx(1.0)
    assert result.ci_low == pytest.approx(1.515862, abs=1e-6)
    assert result.ci_high == pytest.approx(4 + T2 / math.sqrt(3))


def test_estimate_without_enough_respondents():
    """n = 1: a mean but no spread; n = 0: nothing."""
    assert estimate(1, 5.0, 25.0) == Estimate(5.0, 1, None, None, None)
    assert estimate(0, None, None) == Estimate(None, 0, None, None, None)


def test_estimate_of_identical_scores_has_zero_width():
    """Rounding may push mean(x^2) - mean(x)^2 below 0: it is clamped to 0."""
    result = estimate(4, 3.1, 3.1 * 3.1 - 1e-15)
    assert result.sd == 0.0 and result.ci_low == result.ci_high == pytest.approx(3.1)


@pytest.mark.parametrize(("barrier", "facilitator", "expected"), [
    (0, 1, 2 / 3), (1, 0, -2 / 3), (3, 0, -1.2), (0, 10, 20 / 12), (5, 5, 0.0), (2, 6, 0.8)])
def test_valence_shrinks_small_counts_toward_zero(barrier, facilitator, expected):
    """v = 2 (F - B) / (F + B + 2)."""
    result = valence(barrier, facilitator)
    assert result.value == pytest.approx(expected)
    assert result.mentions == barrier + facilitator
    assert -2 <= result.low <= result.value <= result.high <= 2


def test_valence_interval_from_the_beta_distribution():
    """B = 3, F = 0: p ~ Beta(1, 4), whose quantiles are 1 - (1 - q)^(1/4)."""
    result = valence(3, 0)
    assert result.low == pytest.approx(4 * (1 - 0.975 ** 0.25) - 2)  # -1.9748
    assert result.high == pytest.approx(4 * (1 - 0.025 ** 0.25) - 2)  # 0.4095


def test_no_mentions_no_valence():
    """Without barrier or facilitator mentions there is nothing to say."""
    assert valence(0, 0).value is None and valence(0, 0).low is None


def test_rescaling():
    """ORIC 1..5 and valence -2..+2 both map onto 0..100."""
    assert (oric_to_100(1), oric_to_100(3.5), oric_to_100(5)) == (0, 62.5, 100)
    assert (valence_to_100(-2), valence_to_100(0), valence_to_100(2)) == (0, 50, 100)
    assert oric_to_100(None) is None and valence_to_100(None) is None


def test_index_from_both_components():
    """ORIC 3.5 (3.0, 4.0) → Q 62.5 (50, 75); B 3, F 0 → v -1.2, T 20 (0.631, 60.237).
    Index 0.5 * 62.5 + 0.5 * 20 = 41.25 (25.315, 67.618); Q positive, T negative: flagged."""
    result = readiness_index(Estimate(3.5, 10, 0.7, 3.0, 4.0), valence(3, 0))
    assert (result.questionnaire, result.questionnaire_low, result.questionnaire_high) \
        == (62.5, 50.0, 75.0)
    assert result.text == pytest.approx(20.0)
    assert result.text_low == pytest.approx(100 * (1 - 0.975 ** 0.25))
    assert result.index == pytest.approx(41.25)
    assert result.low == pytest.approx(0.5 * 50 + 0.5 * 100 * (1 - 0.975 ** 0.25))  # 25.3155
    assert result.high == pytest.approx(0.5 * 75 + 0.5 * 100 * (1 - 0.025 ** 0.25))  # 67.6182
    assert result.basis == "questionnaire and text"
    assert result.flag.startswith("The questionnaire points positive (62/100)")


def test_index_with_one_component():
    """With one source the index is that source, interval included."""
    only_q = readiness_index(Estimate(2.0, 3, 0.5, 1.5, 2.5), None)
    assert (only_q.index, only_q.low, only_q.high, only_q.basis) == (25.0, 12.5, 37.5,
                                                                     "questionnaire only")
    only_t = readiness_index(None, valence(0, 2))
    assert only_t.index == pytest.approx(75.0) and only_t.basis == "text only"
    assert only_t.flag is None
    empty = readiness_index(Estimate(None, 0, None, None, None), valence(0, 0))
    assert (empty.index, empty.basis) == (None, "no data")


def test_index_of_a_single_respondent_has_no_interval():
    """n = 1 gives no CI, so the combined interval is unknown too."""
    result = readiness_index(Estimate(5.0, 1, None, None, None), valence(0, 1))
    assert result.index == pytest.approx(0.5 * 100 + 0.5 * 100 * (2 / 3 + 2) / 4)
    assert result.low is None and result.high is None


def test_interval_is_clamped_to_the_scale():
    """A t-interval past 1..5 is cut at 0..100."""
    result = readiness_index(Estimate(4.8, 2, 0.3, 2.1, 7.5), None)
    assert result.high == 100.0


@pytest.mark.parametrize(("score", "expected"), [
    (62.5, "positive"), (62.4, "mixed"), (50, "mixed"), (37.6, "mixed"), (37.5, "negative"),
    (0, "negative"), (None, None)])
def test_direction_thresholds(score, expected):
    """Positive from 62.5 (ORIC 3.5, valence +0.5), negative up to 37.5."""
    assert direction(score) == expected


@pytest.mark.parametrize(("q", "t", "flagged"), [
    (70, 30, True), (30, 70, True), (70, 70, False), (30, 30, False), (70, 50, False),
    (None, 10, False)])
def test_disagreement_only_when_opposite(q, t, flagged):
    """Only a positive and a negative component together raise the flag."""
    assert (disagreement(q, t) is not None) is flagged


def test_change():
    """A difference, or None when a wave lacks the number."""
    assert change(60.0, 55.5) == 4.5
    assert change(None, 3.0) is None and change(3.0, None) is None


def test_formula_text_documents_every_choice():
    """The page's text names the scales, the shrinkage, the weights and the thresholds."""
    for part in ("(m - 1) / 4 * 100", "2 * (F - B) / (F + B + 2)", "Beta(F + 1, B + 1)",
                 "0.5 * Q + 0.5 * T", "62.5", "37.5", "t(0.975, n-1)", "six months"):
        assert part in READINESS_FORMULA
