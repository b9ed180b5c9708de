"""The risk detector: what it flags, what it leaves, and that negation never clears a flag."""

import pytest

from portal.domain.risk import HARM_TO_OTHERS, SAFEGUARDING, SELF_HARM, SUICIDE, assess


@pytest.mark.parametrize(("text", "category"), [
    ("I don't want to kill myself but the thoughts come at night.", SUICIDE),
    ("I have thought about ending it all.", SUICIDE),
    ("There's no point going on.", SUICIDE),
    ("They'd all be better off without me.", SUICIDE),
    ("I'm not suicidal any more.", SUICIDE),
    ("I keep hurting myself.", SELF_HARM),
    ("Cutting is how I cope.", SELF_HARM),
    ("I took an overdose last year.", SELF_HARM),
    ("I'm scared I'll hurt my baby.", HARM_TO_OTHERS),
    ("My partner hits me when he drinks.", SAFEGUARDING),
    ("En halua elää enää.", SUICIDE),
])
def test_risk_is_flagged(text, category):
    """Each phrasing the brief names, denials included, is flagged in its category."""
    match = assess(text)
    assert match is not None and match.category == category


@pytest.mark.parametrize("text", [
    "The app is killing me with notifications.", "The messaging is a killer feature.",
    "I was dying to try the sleep module.", "The video kept cutting out.",
    "My phone died halfway through.", "It wouldn't hurt them to reply faster.",
    "I thought I was going to die in panic attacks; the module explained why.", "", None,
    "The reminders sometimes came at odd times.", "I see thirty-odd people a week online.",
])
def test_figurative_and_empty_text_is_not_flagged(text):
    """Known figurative uses and empty answers raise nothing."""
    assert assess(text) is None


def test_the_most_urgent_category_wins_and_rules_are_named():
    """An answer matching several categories is stored under the most urgent one."""
    match = assess("He hits me and I've thought about killing myself.")
    assert match.category == SUICIDE and {"kill_self", "abuser"} <= set(match.rules)


def test_the_labelled_set_keeps_recall():
    """The development set's recall stays at or above 0.95 (see evaluation/risk)."""
    import json
    from pathlib import Path

    items = [json.loads(line) for line in (Path(__file__).parents[2] / "evaluation" / "risk"
                                           / "set.jsonl").read_text().splitlines() if line]
    positives = [i for i in items if i["risk"]]
    assert len(items) >= 120
    assert sum(assess(i["text"]) is not None for i in positives) / len(positives) >= 0.95
