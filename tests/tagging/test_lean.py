"""Statement polarity: the rules' reading weighed against the meaning's lean."""

import hashlib
import json

import pytest

from portal.tagging.embedding import encode
from portal.tagging.lean import LABELS, MODEL_PATH, polarity
from portal.tagging.phrase_bank import phrases
from portal.tagging.polarity import FEATURES, assess
from tools.train_polarity_model import sources


def test_the_shipped_weights_match_the_bank_lexicon_and_rules_they_were_fitted_on():
    """Change the bank, the lexicon or the rules without re-running the tool and this fails."""
    model = json.loads(MODEL_PATH.read_text())
    provenance = model["provenance"]
    assert provenance["script"] == "tools/train_polarity_model.py"
    assert provenance["data_sha256"] == {name: hashlib.sha256(path.read_bytes()).hexdigest()
                                         for name, path in sources().items()}
    assert model["labels"] == list(LABELS)
    assert model["features"][:len(FEATURES)] == list(FEATURES)
    assert len(model["weighing"]["weights"][0]) == len(model["features"])


def test_clear_cues_keep_the_rules_label():
    """Cue words, negation and contrast the rules read confidently are not overruled."""
    for text in ("The training was not helpful.", "It was fixed within a day.",
                 "Good training but no time to use it."):
        assert polarity(text)[0] == assess(text)[0]


def test_a_statement_without_cue_words_gets_a_lean():
    """A plain report of things going badly is a barrier even without a cue word."""
    text = "Half of them never got past the second week."
    assert polarity(text)[0] == "barrier"


@pytest.mark.parametrize("text", [
    "Could we have the usage figures by team?",
    "Can the reminders go out in the evening?",
    "How long does each module take?",
])
def test_requests_and_plain_questions_stay_neutral(text):
    """Asking is not judging, and the bank the model learned from holds no questions."""
    assert polarity(text)[0] == "neutral"


def test_a_complaint_phrased_as_a_question_is_still_a_barrier():
    """'Why does it ...?' judges; the rules' cue reaches the model."""
    assert polarity("Why does it keep logging me out?")[0] == "barrier"


def test_a_given_embedding_is_the_one_encoding_would_give():
    """The tagger hands over the vectors it already has; the answer is the same."""
    text = "Our champion left and nothing moved after that."
    assert polarity(text, encode([text])[0]) == polarity(text)


@pytest.mark.parametrize("text", ["", "   ", "?!", "helpful", "x" * 5000])
def test_label_and_confidence_are_well_formed(text):
    """One of three labels; confidence in [0, 1]; blank text is neutral with none."""
    label, confidence = polarity(text)
    assert label in LABELS and 0.0 <= confidence <= 1.0
    if not text.strip():
        assert (label, confidence) == ("neutral", 0.0)


def test_the_phrase_bank_covers_every_voice_and_polarity():
    """The weighing and the theme classifier learn from all four groups' phrasings."""
    bank = phrases("icbt-implementation")
    assert {g for _, _, g, _ in bank} == {"therapist", "service_manager", "vendor", "patient"}
    assert {p for _, p, _, _ in bank} == {"barrier", "facilitator", "neutral"}
    assert all("{" not in text for *_, text in bank)
