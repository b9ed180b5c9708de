"""Differencing: an attacker subtracting filtered views never learns a group smaller than k.

The attack is brute force: every view along one filter (every period range, every subset of
groups, programmes and services), in several settings of the other filters, and every pair
of views that differ in that one filter. For each number shown in both, the difference in
respondents must be 0 or at least k. With the guard switched off the same search must find
a leak, so the test can fail.
"""

import itertools
from datetime import date, datetime

import pandas as pd
import pytest

import portal.domain.overview_stats as overview_stats
import portal.domain.readiness as readiness_module
import portal.domain.theme_stats as theme_stats
from portal.domain.dashboard_filters import Filters, month_end
from portal.domain.differencing import chosen, narrowed, widened
from portal.domain.overview_stats import responses_by
from portal.domain.readiness import oric
from portal.domain.theme_stats import polarity_by_theme, theme_by_group
from portal.extensions import db
from portal.models import ServiceProgramme
from tests.conftest import PATIENT_TEXTS
from tests.dashboards.helpers import add_patient_responses, add_therapist_response

K = 3
CONFIG = {"SUPPRESSION_K_PATIENT": K, "SUPPRESSION_K_STAFF": K}
MONTHS = [date(2026, m, 1) for m in (1, 2, 3, 4)]
GROUPS = ("patient", "therapist")
SERVICES = ("leeds", "bristol")
PROGRAMMES = ("anxiety", "depression")


@pytest.fixture
def spread(world):
    """Small and large groups across months, groups, programmes and both services."""
    world.services["leeds"].programmes.append(ServiceProgramme(code="anxiety"))
    db.session.commit()
    plan = [("leeds", 1, 4, "depression"), ("leeds", 2, 1, "depression"),
            ("leeds", 3, 3, "anxiety"), ("leeds", 4, 2, "depression"),
            ("bristol", 2, 2, "anxiety"), ("bristol", 3, 4, "anxiety")]
    for n, (service, month, count, programme) in enumerate(plan):
        answers = {"programme": programme, **PATIENT_TEXTS[n % len(PATIENT_TEXTS)]}
        add_patient_responses(world, service, datetime(2026, month, 10), count, answers)
    scores = {f"oric_{i:02d}": 4 for i in range(1, 13)}
    for month, count in ((1, 3), (3, 1)):
        for _ in range(count):
            add_therapist_response(world, "leeds", datetime(2026, month, 12), scores)
    add_therapist_response(world, "leeds", datetime(2026, 2, 12), {**scores, "oric_01": 1})
    return world


def options(world, dimension: str) -> list[dict]:
    """Every way one filter can be set (its "not narrowed" setting first)."""
    if dimension == "period":
        ranges = [(a, b) for a, b in itertools.combinations_with_replacement(MONTHS, 2)]
        return [{}] + [{"start": a, "end": month_end(b)} for a, b in ranges]
    values = {"groups": GROUPS, "programmes": PROGRAMMES,
              "services": tuple(world.services[s].id for s in SERVICES)}[dimension]
    subsets = [tuple(sorted(c)) for r in range(1, len(values) + 1)
               for c in itertools.combinations(values, r)]
    return [{}] + [{dimension: subset} for subset in subsets]


def contexts(world, dimension: str) -> list[Filters]:
    """Settings of the other filters: none, and one narrowed choice of each."""
    others = [d for d in ("groups", "programmes", "period", "services") if d != dimension]
    found = [Filters()]
    for other in others:
        found.append(Filters(**options(world, other)[1]))
    return found


def nested(one: dict, two: dict) -> bool:
    """True when one setting chooses a part of what the other chooses (or the reverse): their
    difference is then exactly the respondents of the parts in between."""
    def chosen(setting: dict) -> set:
        """What a setting chooses; None for everything."""
        if not setting:
            return None
        if "start" in setting:
            return {m for m in MONTHS if setting["start"] <= m <= setting["end"]}
        return set(next(iter(setting.values())))
    first, second = chosen(one), chosen(two)
    return first is None or second is None or first <= second or second <= first


def cells(frame: pd.DataFrame, keys: list[str], people: str) -> dict:
    """Key → respondents of the numbers shown; None where hidden."""
    return {tuple(row[k] for k in keys): (None if row["suppressed"] or pd.isna(row[people])
                                          else float(row[people]))
            for _, row in frame.iterrows()}


VIEWS = {
    "theme_by_group": (lambda user, f: theme_by_group(db.session, user, f, config=CONFIG),
                       ["theme", "group"], "respondents"),
    "polarity_totals": (lambda user, f: polarity_by_theme(db.session, user, f, config=CONFIG),
                        ["theme"], "respondents"),
    "responses_by_group": (lambda user, f: responses_by(db.session, user, f, "group",
                                                        config=CONFIG), ["key"], "responses"),
    "responses_by_month": (lambda user, f: responses_by(db.session, user, f, "month",
                                                        config=CONFIG), ["key"], "responses"),
    "oric": (lambda user, f: oric(db.session, user, f, config=CONFIG),
             ["service_id", "construct"], "n"),
}


def leaks(world, user) -> list[str]:
    """Every pair of views, differing in one filter, whose difference is in (0, k)."""
    found = []
    for dimension in ("period", "groups", "programmes", "services"):
        for context in contexts(world, dimension):
            settings = options(world, dimension)
            views = [context.with_(**option) if option else widened(context, dimension)
                     for option in settings]
            for name, (compute, keys, people) in VIEWS.items():
                shown = [cells(compute(user, view), keys, people) for view in views]
                for i, j in itertools.combinations(range(len(views)), 2):
                    if not nested(settings[i], settings[j]):
                        continue  # two disjoint or overlapping choices: no group in between
                    (a, first), (b, second) = (views[i], shown[i]), (views[j], shown[j])
                    for key in set(first) | set(second):
                        one, two = first.get(key, 0.0), second.get(key, 0.0)
                        if one is None or two is None:
                            continue
                        if 0 < abs(one - two) < K:
                            found.append(f"{name} {key}: {a.to_query()!r} vs {b.to_query()!r}"
                                         f" differ by {abs(one - two):g}")
    return found


def test_no_pair_of_views_gives_away_a_group_smaller_than_k(spread):
    """The lead, who may see everything, cannot subtract their way to a small group."""
    assert leaks(spread, spread.users["lead"]) == []


def test_a_manager_cannot_either(spread):
    """The same search inside one service's scope."""
    assert leaks(spread, spread.users["manager"]) == []


def test_without_the_guard_the_search_finds_leaks(spread, monkeypatch):
    """Switched off, the search finds small groups: the test above can fail."""
    for module in (theme_stats, overview_stats, readiness_module):
        monkeypatch.setattr(module, "exposed_cells", lambda *args, **kwargs: set())
    found = leaks(spread, spread.users["lead"])
    assert found
    assert any(line.startswith("oric") for line in found)
    assert any(line.startswith("theme_by_group") for line in found)


def test_unfiltered_views_are_untouched(spread, monkeypatch):
    """With no filter narrowing the view, the guard hides nothing more than before."""
    user = spread.users["lead"]
    guarded = {name: compute(user, Filters()) for name, (compute, _, _) in VIEWS.items()}
    for module in (theme_stats, overview_stats, readiness_module):
        monkeypatch.setattr(module, "exposed_cells", lambda *args, **kwargs: set())
    for name, (compute, _, _) in VIEWS.items():
        pd.testing.assert_frame_equal(guarded[name], compute(user, Filters()), obj=name)


def test_narrowed_names_each_filter():
    """Every filter that narrows a view is named, and widening takes it off."""
    view = Filters(groups=("patient",), programmes=("anxiety",), services=(1,),
                   start=date(2026, 1, 1))
    assert narrowed(view) == ["services", "groups", "programmes", "period"]
    assert narrowed(widened(view, "period")) == ["services", "groups", "programmes"]


def test_chosen_knows_which_parts_a_view_includes():
    """Months inside the period and values named by a filter are the view's own parts."""
    view = Filters(groups=("patient",), start=date(2026, 2, 1), end=date(2026, 3, 31))
    assert [m for m in ("2026-01", "2026-02", "2026-03", "2026-04")
            if chosen(view, "period", m)] == ["2026-02", "2026-03"]
    assert chosen(view, "groups", "patient") and not chosen(view, "groups", "therapist")
