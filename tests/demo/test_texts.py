"""The demo text generator: deterministic, varied, filled in, and strict about its inputs."""

import random
import re

import pytest

from portal.demo import texts
from portal.demo.texts import (
    GROUPS,
    POLARITIES,
    THEMES_BY_GROUP,
    write_feedback,
    write_short_answer,
)

IMPLEMENTATION_THEMES = (
    "tech_bugs", "usability", "integration_it", "time_workload", "costs_funding",
    "training_needs", "information_evidence", "patient_fit", "blended_role",
    "patient_engagement", "data_protection", "clinical_risk", "clinician_attitudes",
    "leadership_management", "work_structures", "vendor_relationship", "external_drivers",
    "perseverance_experience", "therapist_support", "personalisation",
)
PATIENT_THEMES = (
    "tech_bugs", "usability", "patient_fit", "patient_engagement", "personalisation",
    "therapist_support", "data_protection", "clinical_risk", "blended_role",
    "information_evidence", "time_workload",
    "empowerment", "self_efficacy", "customizing_materials", "responsibility_sharing",
    "therapeutic_alliance", "genuine_interest", "emotional_recognition", "mirroring_emotions",
    "feeling_understood", "genuineness", "partnership", "goal_setting", "usefulness",
    "complementary", "accountability", "guidance", "expression_of_feelings", "accessibility",
    "interactivity", "ease_of_use", "aesthetic_appeal", "self_directed",
)
COMMON_THEMES = ("tech_bugs", "time_workload", "training_needs", "therapist_support",
                 "usability", "clinician_attitudes", "leadership_management",
                 "patient_engagement")
STAFF = ("therapist", "service_manager", "vendor")
PHONE = re.compile(r"07700\s?900\d{3}")


def _all_cells():
    """Every (group, theme, polarity) the generator claims to support."""
    return [(group, theme, polarity) for group in GROUPS for theme in THEMES_BY_GROUP[group]
            for polarity in POLARITIES]


def _random_answers(group: str, count: int, seed: int) -> list[str]:
    """Answers with 1 to 4 random mentions, as the demo world would ask for them."""
    rng = random.Random(seed)
    answers = []
    for _ in range(count):
        themes = rng.sample(THEMES_BY_GROUP[group], k=rng.randint(1, 4))
        mentions = [(theme, rng.choice(POLARITIES)) for theme in themes]
        answers.append(write_feedback(group, mentions, rng,
                                      programme=rng.choice(("depression", "anxiety", "ocd")),
                                      product=rng.choice(("MindStep", "Thrive iCBT"))))
    return answers


def test_theme_lists_per_group():
    for group in STAFF:
        assert sorted(THEMES_BY_GROUP[group]) == sorted(IMPLEMENTATION_THEMES)
    assert sorted(THEMES_BY_GROUP["patient"]) == sorted(PATIENT_THEMES)
    assert "integration_it" not in THEMES_BY_GROUP["patient"]
    assert THEMES_BY_GROUP["patient"].count("personalisation") == 1
    assert tuple(THEMES_BY_GROUP) == GROUPS


def test_same_seed_gives_same_text():
    assert _random_answers("therapist", 200, seed=5) == _random_answers("therapist", 200, seed=5)
    assert _random_answers("patient", 200, seed=5) == _random_answers("patient", 200, seed=5)
    assert _random_answers("patient", 50, seed=5) != _random_answers("patient", 50, seed=6)


def test_never_touches_the_global_random(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the global random module was used")

    for name in ("random", "choice", "choices", "sample", "randint", "randrange", "shuffle",
                 "uniform"):
        monkeypatch.setattr(random, name, forbidden)
    for group in GROUPS:
        _random_answers(group, 100, seed=1)
        write_short_answer(group, random.Random(1))


@pytest.mark.parametrize(("group", "theme", "polarity"), _all_cells())
def test_every_cell_writes_filled_text(group, theme, polarity):
    rng = random.Random(f"{group}/{theme}/{polarity}")
    for _ in range(8):
        text = write_feedback(group, [(theme, polarity)], rng, product="MindStep")
        assert text.strip()
        assert "{" not in text and "}" not in text


def test_each_cell_has_at_least_four_phrasings_and_common_ones_six():
    for group, theme, polarity in _all_cells():
        phrasings = texts._PHRASES[group][theme][polarity]
        assert len(set(phrasings)) >= 4, (group, theme, polarity)
        if group in STAFF and theme in COMMON_THEMES:
            assert len(set(phrasings)) >= 6, (group, theme, polarity)


def test_phrasings_are_clean_clauses():
    for group, theme, polarity in _all_cells():
        for phrasing in texts._PHRASES[group][theme][polarity]:
            assert phrasing == phrasing.strip() and phrasing[-1] not in ".!?", phrasing
            phrasing.format(programme="the depression programme", product="MindStep")
    for group in GROUPS:
        every = [p for theme in THEMES_BY_GROUP[group]
                 for polarity in POLARITIES for p in texts._PHRASES[group][theme][polarity]]
        assert len(every) == len(set(every)), f"a {group} phrasing is listed twice"


def test_phrasings_vary():
    rng = random.Random(42)
    answers = {write_feedback("therapist", [("tech_bugs", "barrier")], rng) for _ in range(50)}
    assert len(answers) >= 4


def test_slots_are_filled():
    answers = _random_answers("vendor", 400, seed=3) + _random_answers("patient", 400, seed=3)
    joined = " ".join(answers)
    assert "MindStep" in joined or "Thrive iCBT" in joined
    assert "the OCD programme" in joined or "the anxiety programme" in joined
    assert not any("{" in answer or "}" in answer for answer in answers)


def test_several_mentions_make_longer_answers_with_connectives():
    one = _random_answers("therapist", 300, seed=8)
    rng = random.Random(8)
    four = [write_feedback("therapist", [(t, rng.choice(POLARITIES)) for t in
                                         rng.sample(THEMES_BY_GROUP["therapist"], k=4)], rng)
            for _ in range(300)]
    assert sum(map(len, four)) > sum(map(len, one))
    assert any(re.search(r"\b(but|although|though)\b", answer) for answer in four)


def test_contrasting_polarities_are_sometimes_joined_with_but():
    rng = random.Random(9)
    answers = [write_feedback("therapist", [("training_needs", "facilitator"),
                                            ("time_workload", "barrier")], rng)
               for _ in range(100)]
    assert any(re.search(r"\b(but|although|though)\b", answer) for answer in answers)


@pytest.mark.parametrize("group", STAFF)
def test_staff_never_leave_phone_numbers_or_names(group):
    names = re.compile(r"\b(" + "|".join(texts._SUPPORTER_NAMES + texts._DOCTOR_SURNAMES)
                       + r")\b", re.IGNORECASE)
    for answer in _random_answers(group, 3000, seed=13):
        assert not PHONE.search(answer)
        assert not names.search(answer)


def test_patients_sometimes_name_their_supporter_and_rarely_leave_a_number():
    names = re.compile(r"\b(" + "|".join(texts._SUPPORTER_NAMES + texts._DOCTOR_SURNAMES)
                       + r")\b", re.IGNORECASE)
    answers = _random_answers("patient", 4000, seed=21)
    named = sum(1 for answer in answers if names.search(answer))
    phoned = [answer for answer in answers if PHONE.search(answer)]
    assert 0.01 < named / len(answers) < 0.06
    assert 1 <= len(phoned) <= 60
    assert all(re.search(r"07700 900\d{3}\b", answer) for answer in phoned)


def test_patients_sometimes_write_very_short():
    rng = random.Random(4)
    answers = [write_feedback("patient", [("patient_engagement", "facilitator")], rng)
               for _ in range(200)]
    assert any(len(answer.split()) <= 6 and not answer.endswith(".") for answer in answers)


def test_short_answers_vary_and_carry_nothing():
    rng = random.Random(2)
    for group in GROUPS:
        answers = {write_short_answer(group, rng) for _ in range(100)}
        assert len(answers) >= 8
        assert all(0 < len(answer) <= 45 for answer in answers)


@pytest.mark.parametrize(("group", "mentions"), [
    ("clinician", [("tech_bugs", "barrier")]),
    ("therapist", [("no_such_theme", "barrier")]),
    ("therapist", [("tech_bugs", "positive")]),
    ("therapist", [("empowerment", "facilitator")]),
    ("patient", [("integration_it", "barrier")]),
    ("patient", [("leadership_management", "neutral")]),
    ("vendor", [("tech_bugs", "barrier"), ("tech_bugs", "mixed")]),
    ("therapist", []),
])
def test_unknown_inputs_raise(group, mentions):
    with pytest.raises(ValueError):
        write_feedback(group, mentions, random.Random(0))


def test_short_answer_rejects_unknown_group():
    with pytest.raises(ValueError):
        write_short_answer("commissioner", random.Random(0))
