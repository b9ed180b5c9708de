"""The readiness arithmetic, free of the database: estimates, text valence and the index.

Everything the readiness page shows is computed here from a handful of numbers that SQL has
already aggregated (counts, sums of scores and of squared scores), so each step can be checked
by hand. READINESS_FORMULA is the same definition in words, shown on the page.
"""

import math
from dataclasses import dataclass

from scipy import stats

CONFIDENCE = 0.95
# A questionnaire or text score on the common 0-100 scale "points" one way when it is at least
# this far from the midpoint 50: 62.5 is ORIC 3.5 (half a point above "neither") and valence
# +0.5; 37.5 is ORIC 2.5 and valence -0.5. Between them a component is "mixed".
POSITIVE, NEGATIVE = 62.5, 37.5
QUESTIONNAIRE_WEIGHT = 0.5  # the text component gets the rest

READINESS_FORMULA = """\
Readiness index (0-100) for a service, from two sources that are shown beside it.

1. Questionnaire: each staff respondent's ORIC score is the mean of the ORIC items they
   answered (1-5). The service mean m over respondents, with its 95% t-interval
   m +/- t(0.975, n-1) * sd / sqrt(n), is rescaled to Q = (m - 1) / 4 * 100.
2. Coded text: F facilitator and B barrier mentions (effective tags of the icbt-implementation
   codebook, all CFIR domains pooled; neutral mentions do not count). The text valence is
   v = 2 * (F - B) / (F + B + 2), in [-2, +2] like a CFIR rating. The "+2" pulls small counts
   toward 0: one facilitator alone gives +0.67, not +2; ten give +1.67. It is the mean of
   4p - 2 when the facilitator share p has a uniform prior, and the 95% interval of v comes
   from that Beta(F + 1, B + 1) distribution. Rescaled: T = (v + 2) / 4 * 100.
3. Index = 0.5 * Q + 0.5 * T. Neither source is known to measure readiness better, so they
   weigh equally; with only one source, the index is that source alone. The interval is
   0.5 * (Q low, Q high) + 0.5 * (T low, T high), a conservative sum of the two widths.
4. Disagreement flag: a component points positive at 62.5 or more (ORIC mean 3.5, valence
   +0.5) and negative at 37.5 or less (ORIC 2.5, valence -0.5). When one source points
   positive and the other negative, the index averages away a real difference: read both.
Waves are consecutive calendar periods (default six months: January-June, July-December);
change is from the service's previous wave with data.
"""


@dataclass(frozen=True)
class Estimate:
    """A mean over respondents with its 95% t-interval (None where it cannot be computed)."""

    mean: float | None
    n: int
    sd: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Valence:
    """Text valence in [-2, +2] from barrier and facilitator mentions, with its interval."""

    barrier: int
    facilitator: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def mentions(self) -> int:
        """The mentions behind the valence (neutral ones are not counted)."""
        return self.barrier + self.facilitator


@dataclass(frozen=True)
class Readiness:
    """The index and its two components on the 0-100 scale, with intervals and the flag."""

    index: float | None
    low: float | None
    high: float | None
    questionnaire: float | None
    questionnaire_low: float | None
    questionnaire_high: float | None
    text: float | None
    text_low: float | None
    text_high: float | None
    basis: str  # "questionnaire and text", "questionnaire only", "text only" or "no data"
    flag: str | None


def estimate(n: int, mean: float | None, mean_of_squares: float | None) -> Estimate:
    """An Estimate from n respondent scores summarised as mean and mean of squares (SQL AVGs).

    sd = sqrt((mean(x^2) - mean(x)^2) * n / (n - 1)); the interval is mean +/- t * sd / sqrt(n)
    with t the 97.5% quantile of Student's t on n - 1 degrees of freedom. n < 2: no sd, no CI.
    """
    n = int(n or 0)
    if n == 0 or mean is None:
        return Estimate(None, 0, None, None, None)
    mean = float(mean)
    if n < 2 or mean_of_squares is None:
        return Estimate(mean, n, None, None, None)
    variance = max(float(mean_of_squares) - mean * mean, 0.0) * n / (n - 1)
    sd = math.sqrt(variance)
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * sd / math.sqrt(n)
    return Estimate(mean, n, sd, mean - half, mean + half)


def valence(barrier: int, facilitator: int) -> Valence:
    """v = 2 (F - B) / (F + B + 2) with its 95% interval from Beta(F + 1, B + 1); None if no
    mentions."""
    b, f = int(barrier or 0), int(facilitator or 0)
    if b + f == 0:
        return Valence(b, f, None, None, None)
    tail = (1 - CONFIDENCE) / 2
    low, high = stats.beta.ppf([tail, 1 - tail], f + 1, b + 1)
    return Valence(b, f, 2 * (f - b) / (f + b + 2), 4 * float(low) - 2, 4 * float(high) - 2)


def oric_to_100(value: float | None) -> float | None:
    """An ORIC mean (1-5) on the 0-100 scale."""
    return None if value is None else (value - 1) / 4 * 100


def valence_to_100(value: float | None) -> float | None:
    """A valence (-2..+2) on the 0-100 scale."""
    return None if value is None else (value + 2) / 4 * 100


def direction(score: float | None) -> str | None:
    """"positive", "negative" or "mixed" for a 0-100 component score (None without one)."""
    if score is None:
        return None
    if score >= POSITIVE:
        return "positive"
    if score <= NEGATIVE:
        return "negative"
    return "mixed"


def readiness_index(oric: Estimate | None, text: Valence | None) -> Readiness:
    """Combine an ORIC overall estimate and a text valence as READINESS_FORMULA says."""
    q = _scaled(oric_to_100, *(_oric_parts(oric)))
    t = _scaled(valence_to_100, *(_text_parts(text)))
    if q[0] is not None and t[0] is not None:
        w = QUESTIONNAIRE_WEIGHT
        index = w * q[0] + (1 - w) * t[0]
        low = w * q[1] + (1 - w) * t[1] if q[1] is not None else None
        high = w * q[2] + (1 - w) * t[2] if q[2] is not None else None
        basis = "questionnaire and text"
    elif q[0] is not None:
        index, low, high, basis = *q, "questionnaire only"
    elif t[0] is not None:
        index, low, high, basis = *t, "text only"
    else:
        index = low = high = None
        basis = "no data"
    return Readiness(index, low, high, *q, *t, basis, disagreement(q[0], t[0]))


def disagreement(questionnaire: float | None, text: float | None) -> str | None:
    """The flag text when questionnaire and coded text point opposite ways, else None."""
    q, t = direction(questionnaire), direction(text)
    if {q, t} != {"positive", "negative"}:
        return None
    return (f"The questionnaire points {q} ({questionnaire:.0f}/100) but the coded text points "
            f"{t} ({text:.0f}/100): read the answers behind both before acting on the index.")


def change(current: float | None, previous: float | None) -> float | None:
    """current - previous, None when either is missing."""
    if current is None or previous is None:
        return None
    return current - previous


def _oric_parts(oric: Estimate | None) -> tuple:
    """(mean, low, high) of an estimate, or Nones."""
    if oric is None:
        return None, None, None
    return oric.mean, oric.ci_low, oric.ci_high


def _text_parts(text: Valence | None) -> tuple:
    """(value, low, high) of a valence, or Nones."""
    if text is None:
        return None, None, None
    return text.value, text.low, text.high


def _scaled(scale, value, low, high) -> tuple:
    """The three numbers on the 0-100 scale, clamped (a t-interval can pass the scale's ends)."""
    return tuple(None if x is None else min(max(scale(x), 0.0), 100.0) for x in (value, low, high))
