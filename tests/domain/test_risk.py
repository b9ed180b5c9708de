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


@pytest.mark.parametrize(("text", "category"), [
    ("Most nights I hope I don't wake up.", SUICIDE),
    ("I don't care whether I live or die.", SUICIDE),
    ("I'm so tired of living.", SUICIDE),
    ("I'm a burden, plain and simple.", SUICIDE),
    ("They'd be relieved without me.", SUICIDE),
    ("I can't imagine myself growing old.", SUICIDE),
    ("There's no future for me.", SUICIDE),
    ("Some days the only way out seems to be a permanent one.", SUICIDE),
    ("I've been getting my affairs in order.", SUICIDE),
    ("I searched online for ways to die.", SUICIDE),
    ("I've worked out how I would do it.", SUICIDE),
    ("Since my last attempt I've been on this waiting list.", SUICIDE),
    ("I'm not going to be around for much longer.", SUICIDE),
    ("Kaikki olisivat onnellisempia, elämä olisi helpompaa ilman minua.", SUICIDE),
    ("I used to cut when things got bad.", SELF_HARM),
    ("I burned my arm on purpose.", SELF_HARM),
    ("I wear long sleeves so nobody sees my wrists.", SELF_HARM),
    ("Olen viiltänyt itseäni.", SELF_HARM),
    ("I get images of drowning my baby in the bath.", HARM_TO_OTHERS),
    ("I'm scared of what I might do to him.", HARM_TO_OTHERS),
    ("He keeps pinning me down when we row.", SAFEGUARDING),
    ("She threw a plate at me last night.", SAFEGUARDING),
    ("I'm not allowed to see my friends.", SAFEGUARDING),
    ("Mieheni uhkailee minua.", SAFEGUARDING),
])
def test_indirect_warning_signs_are_flagged_by_rules(text, category):
    """Passive death wish, burden, no future, farewells, means, attempts, control: by rule."""
    match = assess(text)
    assert match is not None and match.category == category
    assert match.rules != ("similar_wording",)


@pytest.mark.parametrize("text", [
    "I felt like a burden on my supporter because I sent so many messages.",
    "I can't see any way out of this waiting list.",
    "The only way out is through, as my supporter kept saying.",
    "I don't see any future for this app on Android.",
    "I'm tired of chasing replies.",
    "I said goodbye to my supporter at the end of week 8.",
    "I cut the sessions short when the baby woke.",
    "Cutting my screen time helped my sleep.",
    "I had to ask my manager's permission to use it at work.",
    "En jaksa enää näitä muistutuksia.",
    "My brother took his own life and the grief module helped.",
])
def test_hard_negatives_of_the_indirect_rules_are_not_flagged_by_rules(text):
    """Hopelessness about the app, goodbyes to the supporter, cutting down: no rule fires."""
    from portal.domain.risk import _RULES, mask_figurative, normalise

    masked = mask_figurative(normalise(text))
    assert [name for _, name, pattern in _RULES if pattern.search(masked)] == []
