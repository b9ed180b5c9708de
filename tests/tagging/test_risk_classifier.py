"""The learned risk back-up: shipped with its provenance, catching wordings the rules miss."""

import hashlib
import json

import pytest

from portal.domain.risk import LEARNED, assess
from portal.tagging import risk_classifier
from tools.train_risk_model import SOURCES


def test_the_shipped_weights_match_the_data_they_were_trained_on():
    """Change a training file without re-running tools/train_risk_model.py and this fails."""
    provenance = json.loads(risk_classifier.MODEL_PATH.read_text())["provenance"]
    for name, path in SOURCES.items():
        assert provenance["data_sha256"][name] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert provenance["script"] == "tools/train_risk_model.py"


@pytest.mark.parametrize(("text", "category"), [
    ("I took out pills but didn't swallow any.", "suicide"),
    ("My partner has threatened me with harm.", "safeguarding"),
    ("I have been poisoning myself on purpose.", "self_harm"),
])
def test_wordings_no_phrase_rule_knows_are_flagged_by_the_classifier(text, category):
    """Screening-instrument items the rules miss reach the clinician queue all the same."""
    match = assess(text)
    assert match is not None and match.rules == (LEARNED,)
    assert match.category == category


@pytest.mark.parametrize("text", [
    "The modules were clear and my supporter replied within a day.",
    "I couldn't log in on my phone, the app kept crashing.",
    "More examples for people who work shifts would help.",
    "The app is killing me with its reminders.",
    "I don't know.",
    "Nothing springs to mind.",
    "I'm in my thirties and have two kids.",
])
def test_ordinary_feedback_is_not_flagged(text):
    """Everyday praise and complaints, figurative ones included, stay out of the queue."""
    assert assess(text) is None
    assert risk_classifier.score("The modules were clear.")[0] < risk_classifier.threshold()
