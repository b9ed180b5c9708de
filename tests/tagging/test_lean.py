"""Polarity falls back to the meaning's lean only where the rules found no cue."""

from portal.tagging.lean import polarity
from portal.tagging.phrase_bank import phrases
from portal.tagging.polarity import assess


def test_rules_win_when_they_find_a_cue():
    """Cue words, negation and contrast stay with the rules."""
    for text in ("The training was not helpful.", "It was fixed within a day.",
                 "Good training but no time to use it."):
        assert polarity(text)[0] == assess(text)[0]


def test_a_statement_without_cue_words_gets_a_lean():
    """A plain report of things going badly is a barrier even without a cue word."""
    text = "Half of them never got past the second week."
    assert polarity(text)[0] == "barrier"


def test_blank_text_is_neutral_with_no_confidence():
    """Nothing to judge."""
    assert polarity("   ") == ("neutral", 0.0)


def test_the_phrase_bank_covers_every_voice_and_polarity():
    """The fallback and the theme classifier learn from all four groups' phrasings."""
    bank = phrases("icbt-implementation")
    assert {g for _, _, g, _ in bank} == {"therapist", "service_manager", "vendor", "patient"}
    assert {p for _, p, _, _ in bank} == {"barrier", "facilitator", "neutral"}
    assert all("{" not in text for *_, text in bank)
