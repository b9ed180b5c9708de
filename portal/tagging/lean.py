"""Polarity from the rules' reading weighed against the lean of the passage's meaning.

The rules in polarity.py read cue words, negation and contrast, and are sure of themselves
whether or not the wording is one they know. The meaning's lean (logistic regressions over
the passage's embedding) catches statements with no cue word ("completion went from 38% to
55%"). A small one-vs-rest model over the rules' features and the lean's logits decides
between them; it learned from the phrase bank, with the lean's logits taken out-of-fold by
stakeholder voice, how far each can be trusted on a voice it has not seen. Fitted by
tools/train_polarity_model.py; weights and provenance ship in polarity_model.json.
"""

import functools
import json
from pathlib import Path

import numpy as np

from portal.tagging.embedding import encode
from portal.tagging.polarity import BARRIER, FACILITATOR, FEATURES, NEUTRAL, read

BANK = "icbt-implementation"
LABELS = (BARRIER, FACILITATOR, NEUTRAL)
LOGIT_SCALE = 4.0  # the lean's logits span about +-8; brought near the rules' [-1, 1] features
MODEL_PATH = Path(__file__).resolve().parent / "polarity_model.json"


@functools.cache
def _model() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The shipped lean and weighing as arrays, loaded once."""
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return tuple(np.asarray(raw[part][key], dtype=np.float32)
                 for part in ("lean", "weighing") for key in ("weights", "bias"))


def polarity(text: str, vector: np.ndarray | None = None) -> tuple[str, float]:
    """('barrier' | 'facilitator' | 'neutral', confidence in [0,1]) for a passage.

    vector is the passage's embedding when the caller already has it (the tagger does).
    """
    if not text.strip():
        return NEUTRAL, 0.0
    reading = read(text)
    features = dict(zip(FEATURES, reading.features, strict=True))
    if reading.label == NEUTRAL and (features["question"] or features["request"]):
        # The bank holds no questions, so the model never learned that asking is not judging
        # (requests are neutral by the coding convention): the rules' neutral stands.
        return reading.label, reading.confidence
    lean_weights, lean_bias, weights, bias = _model()
    vector = encode([text])[0] if vector is None else vector
    lean = vector @ lean_weights.T + lean_bias
    inputs = np.concatenate([np.asarray(reading.features, dtype=np.float32), lean / LOGIT_SCALE])
    # One-vs-rest: each label's own probability; the confidence is the winner's share of them.
    probabilities = 1.0 / (1.0 + np.exp(-(weights @ inputs + bias)))
    best = int(np.argmax(probabilities))
    return LABELS[best], round(float(probabilities[best] / probabilities.sum()), 3)
