"""Strongest barriers per service and their CFIR-ERIC strategies, on hand-counted codings.

    Leeds therapists (2025-03)   coded "hinders" (lead)
      S1                         time_workload B, tech_bugs B, training_needs B
      S2                         time_workload B, tech_bugs B
      S3                         time_workload B, usability B, costs_funding F
    Bristol therapists
      B1, B2                     data_protection B

Leeds: Available resources 3 mentions / 3 respondents; Innovation design (tech_bugs, usability)
3 / 3; Capability 1 / 1; Innovation cost has no barrier. Bristol: Compatibility 2 / 2.
"""

import tomllib
from types import SimpleNamespace

import pytest

from portal.config import REPO_ROOT
from portal.domain.dashboard_filters import Filters
from portal.domain.invitations import create_invitation
from portal.domain.strategies import STRATEGY_COLUMNS, mapping, strategies_for
from portal.extensions import db
from tests.domain.test_readiness import MARCH, respond


@pytest.fixture
def barriers(world):
    """The world plus the codings in the module docstring."""
    bristol = world.services["bristol"]
    bristol_link = create_invitation(db.session, service=bristol,
                                     instrument=world.instruments["therapist"],
                                     created_by=world.users["other_manager"], label="Team",
                                     days_valid=30, max_uses=10)
    staff = world.links["therapist"]
    for codes in ([("time_workload", "barrier"), ("tech_bugs", "barrier"),
                   ("training_needs", "barrier")],
                  [("time_workload", "barrier"), ("tech_bugs", "barrier")],
                  [("time_workload", "barrier"), ("usability", "barrier"),
                   ("costs_funding", "facilitator")]):
        respond(world, staff, "therapist", MARCH, {}, codes)
    for _ in range(2):
        respond(world, bristol_link, "therapist", MARCH, {}, [("data_protection", "barrier")])
    db.session.commit()
    return SimpleNamespace(**vars(world))


def ranked(frame) -> list[tuple]:
    """(service, rank, construct, mentions, respondents), one per barrier."""
    seen = frame.drop_duplicates(["service", "rank"])
    return list(zip(seen["service"], seen["rank"], seen["cfir_construct"],
                    seen["barrier_mentions"], seen["respondents"], strict=True))


def test_strongest_barriers_per_service(barriers):
    """Ranked by barrier mentions; the tie goes to the construct name."""
    frame = strategies_for(db.session, barriers.users["lead"], Filters(), k=1)
    assert list(frame.columns) == STRATEGY_COLUMNS
    assert ranked(frame) == [
        ("Bristol Wellbeing", 1, "Compatibility", 2, 2),
        ("Leeds Talking Therapies", 1, "Available resources", 3, 3),
        ("Leeds Talking Therapies", 2, "Innovation design", 3, 3),
        ("Leeds Talking Therapies", 3, "Capability", 1, 1)]
    resources = frame[frame["cfir_construct"] == "Available resources"]
    assert list(resources["strategy"]) == [
        "Access new funding", "Change physical structure and equipment",
        "Capture and share local knowledge", "Fund and contract for the clinical innovation"]
    assert list(resources["level"]) == ["1", "1-2", "1-2", "2"]
    first = resources.iloc[0]
    assert first["cluster"] == "Utilize financial strategies"
    assert first["cfir2009"] == "Available Resources" and first["cfir_domain"] == "Inner setting"
    assert "Waltz" in first["source"] and "2019;14:42" in first["source"]


def test_respondent_threshold_k(barriers):
    """k = 3 keeps the two Leeds barriers with 3 respondents; the default k = 5 keeps none."""
    frame = strategies_for(db.session, barriers.users["lead"], Filters(), k=3)
    assert [r[2] for r in ranked(frame)] == ["Available resources", "Innovation design"]
    assert strategies_for(db.session, barriers.users["lead"], Filters()).empty


def test_top_and_per_barrier_limits(barriers):
    """top = 1 keeps each service's strongest barrier; per_barrier caps its strategies."""
    frame = strategies_for(db.session, barriers.users["lead"], Filters(), top=1, k=1,
                           per_barrier=2)
    assert [r[2] for r in ranked(frame)] == ["Compatibility", "Available resources"]
    compatibility = frame[frame["service"] == "Bristol Wellbeing"]
    assert list(compatibility["strategy"]) == ["Promote adaptability",
                                               "Conduct local consensus discussions"]
    assert list(compatibility["endorsement"]) == [45, 41]
    assert compatibility["verified"].all()


def test_scoped_to_the_users_service(barriers):
    """The Bristol manager sees Bristol's barriers only; the Leeds manager Leeds' only."""
    bristol = strategies_for(db.session, barriers.users["other_manager"], Filters(), k=1)
    assert set(bristol["service"]) == {"Bristol Wellbeing"}
    leeds = strategies_for(db.session, barriers.users["manager"], Filters(), k=1)
    assert set(leeds["service"]) == {"Leeds Talking Therapies"}
    filtered = strategies_for(db.session, barriers.users["other_manager"],
                              Filters(services=(barriers.services["leeds"].id,)), k=1)
    assert filtered.empty


def test_group_filter(barriers):
    """No service manager coded any barrier: an empty table."""
    assert strategies_for(db.session, barriers.users["lead"],
                          Filters(groups=("service_manager",)), k=1).empty


def test_mapping_covers_every_codebook_construct():
    """Every cfir_construct of the shipped codebook has a mapping with known strategies."""
    with open(REPO_ROOT / "surveys" / "codebooks" / "icbt-implementation.toml", "rb") as handle:
        codebook = tomllib.load(handle)
    used = {theme["cfir_construct"] for theme in codebook["themes"]}
    data = mapping()
    assert used == set(data["constructs"])
    clusters = {s["cluster"] for entry in data["constructs"].values()
                for s in entry["strategies"]}
    assert clusters <= {
        "Use evaluative and iterative strategies", "Provide interactive assistance",
        "Adapt and tailor to context", "Develop stakeholder interrelationships",
        "Train and educate stakeholders", "Support clinicians", "Engage consumers",
        "Utilize financial strategies", "Change infrastructure"}
    for entry in data["constructs"].values():
        assert entry["cfir2009"] and entry["strategies"]
        levels = [s["level"] for s in entry["strategies"]]
        assert levels == sorted(levels, key={"1": 0, "1-2": 1, "2": 2}.get)
    assert "Powell" in data["source"] and "2015;10:21" in data["source"]


def test_mapping_rejects_unknown_strategies(tmp_path):
    """A strategy missing from [strategies] is an error that names it."""
    bad = tmp_path / "bad.toml"
    bad.write_text('source = "s"\nlevels = "l"\n[clusters]\na = "A"\n[strategies]\n'
                   '"Known" = "a"\n[[constructs]]\ncfir2 = "X"\ncfir2009 = "X"\n'
                   'strategies = [{ name = "Unknown", level = "1" }]\n')
    with pytest.raises(ValueError, match="Unknown"):
        mapping(bad)
