"""Inter-coder agreement: Cohen's kappa and Krippendorff's alpha over coders' theme codings."""

import math
from collections.abc import Hashable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import combinations
from numbers import Real
from statistics import fmean

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

LEVELS = ("nominal", "ordinal", "interval", "ratio")

# codings[coder][unit] = the theme ids that coder applied to that unit; an empty set means
# "coded, no theme applies", whereas a unit missing from the mapping was never coded by them.
Codings = Mapping[str, Mapping[Hashable, AbstractSet[str]]]


@dataclass(frozen=True)
class ThemeAgreement:
    """Agreement on one theme's presence or absence across the units coded by two or more coders."""

    theme: str
    kappa: float | None
    alpha: float | None
    units: int
    positives: dict[str, int]


def _missing(value: object) -> bool:
    """True for an absent value: None, or a float NaN as spreadsheets and NumPy write it."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _defined(value: float) -> float | None:
    """The statistic as a plain float, or None where the libraries answer NaN."""
    value = float(value)
    return None if math.isnan(value) else value


def _codes(values: Sequence[Hashable]) -> dict[Hashable, int]:
    """Number the distinct values in order of first appearance."""
    # Integer codes spare the libraries from sorting or coercing mixed or unorderable values.
    return {value: index for index, value in enumerate(dict.fromkeys(values))}


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa for two coders' values on the same units; None where it is undefined.

    Units either coder left missing (None) are dropped. Kappa is undefined, and None is
    returned, with fewer than two paired units or when both coders used one and the same value.
    """
    if len(first) != len(second):
        raise ValueError(f"coders rated different numbers of units: {len(first)} != {len(second)}")
    pairs = [(a, b) for a, b in zip(first, second, strict=True)
             if not _missing(a) and not _missing(b)]
    codes = _codes([value for pair in pairs for value in pair])
    # One shared value means chance agreement is certain: kappa is 0/0, not perfect agreement.
    if len(pairs) < 2 or len(codes) < 2:
        return None
    return _defined(cohen_kappa_score([codes[a] for a, _ in pairs], [codes[b] for _, b in pairs],
                                      labels=list(codes.values())))


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]],
                       level: str = "nominal") -> float | None:
    """Krippendorff's alpha over units' values from any number of coders; None if undefined.

    units[i] holds the values the coders gave unit i, None where a coder did not code it.
    Only units with two or more values are pairable; alpha is undefined, and None is returned,
    with fewer than two pairable units or a single value among them. Levels other than
    nominal need numeric values.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level of measurement {level!r}; expected one of {LEVELS}")
    pairable = [present for unit in units
                if len(present := [value for value in unit if not _missing(value)]) >= 2]
    values = [value for unit in pairable for value in unit]
    if level == "nominal":
        domain = list(dict.fromkeys(values))
    else:
        if not all(isinstance(value, Real) and not isinstance(value, bool) for value in values):
            raise ValueError(f"{level} alpha needs numeric values")
        domain = sorted(set(values))
    if len(pairable) < 2 or len(domain) < 2:
        return None
    index = {value: position for position, value in enumerate(domain)}
    # Value counts per unit rather than a coders x units matrix: a matrix of Python objects
    # with None has no dtype the library can read, and coder identity does not enter alpha.
    counts = np.zeros((len(pairable), len(domain)), dtype=int)
    for row, unit in enumerate(pairable):
        for value in unit:
            counts[row, index[value]] += 1
    return _defined(krippendorff.alpha(
        value_counts=counts,
        value_domain=np.arange(len(domain)) if level == "nominal" else np.asarray(domain),
        level_of_measurement=level))


def _shared_units(codings: Codings) -> list[Hashable]:
    """Units coded by at least two coders, in order of first appearance."""
    seen: dict[Hashable, int] = {}
    for units in codings.values():
        for unit in units:
            seen[unit] = seen.get(unit, 0) + 1
    return [unit for unit, coders in seen.items() if coders >= 2]


def _pair_kappa(codings: Codings, first: str, second: str, themes: Sequence[str]) -> float | None:
    """Kappa for two coders over every (unit both coded, theme) presence decision."""
    a, b = codings[first], codings[second]
    both = [unit for unit in a if unit in b]
    return cohen_kappa([theme in a[unit] for theme in themes for unit in both],
                       [theme in b[unit] for theme in themes for unit in both])


def _mean_kappa(codings: Codings, themes: Sequence[str]) -> float | None:
    """Mean of the defined pairwise kappas; with two coders, simply their kappa."""
    kappas = [k for k in pairwise_kappa(codings, themes).values() if k is not None]
    return fmean(kappas) if kappas else None


def _alpha(codings: Codings, units: Sequence[Hashable], themes: Sequence[str]) -> float | None:
    """Nominal alpha with one reliability unit per (unit, theme) presence decision."""
    rows = [[None if unit not in coded else theme in coded[unit] for coded in codings.values()]
            for theme in themes for unit in units]
    return krippendorff_alpha(rows)


def pairwise_kappa(codings: Codings, themes: Sequence[str]) -> dict[tuple[str, str], float | None]:
    """Kappa for each pair of coders, pooled over the themes on the units both coded."""
    return {(first, second): _pair_kappa(codings, first, second, themes)
            for first, second in combinations(codings, 2)}


def agreement_by_theme(codings: Codings, themes: Sequence[str]) -> list[ThemeAgreement]:
    """Per theme, agreement on its presence in each unit coded by two or more coders.

    kappa is Cohen's kappa for two coders; with more, it is the mean over coder pairs of
    their kappas (Light's kappa), each on the units that pair both coded, skipping pairs
    whose kappa is undefined. alpha is nominal Krippendorff's alpha over all coders, a
    coder's uncoded units being missing values. positives counts, per coder, the counted
    units they applied the theme to.
    """
    units = _shared_units(codings)
    return [ThemeAgreement(
        theme=theme,
        kappa=_mean_kappa(codings, [theme]),
        alpha=_alpha(codings, units, [theme]),
        units=len(units),
        positives={coder: sum(1 for unit in units if theme in coded.get(unit, ()))
                   for coder, coded in codings.items()})
        for theme in themes]


def overall_agreement(codings: Codings, themes: Sequence[str]) -> tuple[float | None, float | None]:
    """(kappa, alpha) pooled over every theme x unit presence decision.

    With more than two coders, kappa is the mean of the defined pooled pairwise kappas.
    """
    return _mean_kappa(codings, themes), _alpha(codings, _shared_units(codings), themes)
