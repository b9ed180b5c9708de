"""Polarity detector: negation, contrast, fixed problems, wishes and neutral descriptions."""


import pytest

from portal.tagging.polarity import BARRIER, FACILITATOR, FEATURES, NEUTRAL, polarity_of, read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("helpful", FACILITATOR),
        ("not helpful", BARRIER),
        ("The modules were not helpful at all", BARRIER),
        ("never had a problem logging in", FACILITATOR),
        ("No problems with the video sessions so far", FACILITATOR),
        ("I can't fault the onboarding team", FACILITATOR),
        ("The reminders didn't arrive on my phone", BARRIER),
        ("Nobody from the supplier got back to us", BARRIER),
        ("There is no protected time for reviewing clients", BARRIER),
    ],
)
def test_negation(text: str, expected: str) -> None:
    """A negator flips the cue it governs, and a bare gap word names a barrier."""
    assert polarity_of(text)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the training was good but there is no time to use it", BARRIER),
        ("the training was good", FACILITATOR),
        ("there is no time to use it", BARRIER),
        ("The portal is clunky, but the patients love the worksheets", FACILITATOR),
        ("Setting it up was a real struggle. But now it runs smoothly", FACILITATOR),
        ("Although the content is sound, the app freezes on older tablets", BARRIER),
    ],
)
def test_contrast_follows_last_clause(text: str, expected: str) -> None:
    """In a mixed statement the clause after the contrast decides the lean."""
    assert polarity_of(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The sync error was fixed within a day",
        "Our log-in issues have been resolved since the March release",
        "It used to crash on Android but now it runs fine",
        "Since the patch the portal no longer freezes",
        "The double booking glitch got sorted quickly by their support desk",
    ],
)
def test_fixed_problem_is_facilitator(text: str) -> None:
    """A problem reported as solved is a facilitator, despite its problem words."""
    assert polarity_of(text)[0] == FACILITATOR


def test_unfixed_problem_stays_barrier() -> None:
    """A fix that has not happened is still a barrier."""
    assert polarity_of("The export bug has still not been fixed")[0] == BARRIER


@pytest.mark.parametrize(
    "text",
    [
        "I'd like a short guide for GPs on who the programme suits",
        "I wish the modules came in Arabic",
        "It would be good if the dashboard showed waiting times",
        "We need a named contact at the supplier",
        "A call at the start would have made it much easier",
        "what's missing is any way to message the therapist",
    ],
)
def test_wish_is_barrier(text: str) -> None:
    """A wish for something missing names a gap, even when it uses positive words."""
    assert polarity_of(text)[0] == BARRIER


def test_counterfactual_with_premise_is_facilitator() -> None:
    """'Without X it would have failed' says X helped."""
    assert polarity_of("Without our digital lead the rollout would have stalled")[0] == FACILITATOR


@pytest.mark.parametrize(
    "text",
    [
        "We offer the programme to adults on the step two pathway.",
        "Patients complete eight modules over ten weeks.",
        "How long does each module take?",
        "Could we have the usage figures by team?",
        "No further comments.",
        "n/a",
        "The service treats depression and anxiety online.",
    ],
)
def test_plain_description_or_question_is_neutral(text: str) -> None:
    """Descriptions, requests phrased as questions and boilerplate carry no lean."""
    assert polarity_of(text)[0] == NEUTRAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The app keeps crashing when I upload a worksheet", BARRIER),
        ("Licences are far too expensive for a small practice", BARRIER),
        ("Half my clients drop out after the second module", BARRIER),
        ("I was worried about who could read my diary entries", BARRIER),
        ("Our account manager is quick to respond and really reliable", FACILITATOR),
        ("The new template saves time on every review", FACILITATOR),
        ("Having a clinical champion in each team made a big difference", FACILITATOR),
        ("Our champion left and nothing moved after that", BARRIER),
        ("Referrals doubled once the GPs knew about it", FACILITATOR),
        ("Fewer errors since we switched to single sign-on", FACILITATOR),
    ],
)
def test_domain_cues(text: str, expected: str) -> None:
    """Field-specific problem and strength words decide plain statements."""
    assert polarity_of(text)[0] == expected


def test_empty_text() -> None:
    """Empty or blank input is neutral with zero confidence."""
    assert polarity_of("") == (NEUTRAL, 0.0)
    assert polarity_of("   ") == (NEUTRAL, 0.0)


@pytest.mark.parametrize(
    "text",
    [
        "helpful",
        "awful awful awful, a total nightmare, useless and broken and slow",
        "excellent brilliant fantastic, a game changer and a lifeline",
        "good but bad",
        "We use it.",
        "?!,;:",
        "NOT HELPFUL!!!",
        "x" * 5000,
    ],
)
def test_confidence_in_unit_interval(text: str) -> None:
    """Confidence is always within [0, 1] and the label is one of three."""
    label, confidence = polarity_of(text)
    assert label in (BARRIER, FACILITATOR, NEUTRAL)
    assert 0.0 <= confidence <= 1.0


def test_stronger_evidence_is_more_confident() -> None:
    """Piling up cues raises confidence."""
    assert polarity_of("slow")[1] < polarity_of("slow, buggy and it keeps crashing")[1]


def test_reading_features_follow_their_names() -> None:
    """read() gives one bounded feature per FEATURES name, raised by what the text says."""
    def features(text: str) -> dict[str, float]:
        reading = read(text)
        assert len(reading.features) == len(FEATURES)
        assert all(-1.0 <= v <= 1.0 or name == "length"
                   for name, v in zip(FEATURES, reading.features, strict=True))
        return dict(zip(FEATURES, reading.features, strict=True))

    assert features("Could we have the usage figures by team?")["request"] == 1.0
    assert features("How long does each module take?")["question"] == 1.0
    assert features("I wish the modules came in Arabic")["wish"] == 1.0
    assert features("The sync error was fixed within a day")["fixed"] == 1.0
    assert features("The modules were not helpful")["negator"] == 1.0
    mixed = features("The portal is clunky. But the patients love the worksheets")
    assert mixed["several_sentences"] == 1.0
    assert mixed["first_sentence"] < 0 < mixed["last_sentence"]
    assert mixed["positive"] > 0 > mixed["negative"]
    plain = features("We offer the programme to adults.")
    assert plain["cue"] == 0.0 and plain["weak"] == 1.0 and plain["score"] == 0.0


def test_reading_agrees_with_polarity_of() -> None:
    """read() is the one pass behind polarity_of and assess."""
    for text in ("not helpful", "the training was good but there is no time", "", "We use it."):
        reading = read(text)
        assert (reading.label, reading.confidence) == polarity_of(text)
