"""The learned back-up to the risk phrase rules: is a sentence like a disclosure of risk?

Rules catch the wordings someone thought of; people disclose in many others ("nobody would
notice if I was gone"). This logistic regression over the shipped sentence embeddings was
trained by tools/train_risk_model.py (weights, threshold and provenance in risk_model.json)
and reads each sentence of an answer; the answer's score is its most worrying sentence.
"""

import functools
import json
from pathlib import Path

import numpy as np

from portal.tagging.corpus import sentences
from portal.tagging.embedding import encode

MODEL_PATH = Path(__file__).resolve().parent / "risk_model.json"


@functools.cache
def _model() -> dict:
    """The shipped weights as arrays, loaded once."""
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return {"threshold": float(raw["threshold"]),
            "flag": (np.asarray(raw["flag"]["coef"], dtype=np.float32),
                     float(raw["flag"]["intercept"])),
            "classes": list(raw["category"]["classes"]),
            "category": (np.asarray(raw["category"]["coef"], dtype=np.float32),
                         np.asarray(raw["category"]["intercept"], dtype=np.float32))}


def score(text: str) -> tuple[float, str]:
    """(probability that the answer discloses a risk, the likeliest category)."""
    model = _model()
    units = sentences(text) or [text]
    vectors = encode(units)
    weights, bias = model["flag"]
    probabilities = 1.0 / (1.0 + np.exp(-(vectors @ weights + bias)))
    worst = int(np.argmax(probabilities))
    coef, intercept = model["category"]
    category = model["classes"][int(np.argmax(coef @ vectors[worst] + intercept))]
    return float(probabilities[worst]), category


def threshold() -> float:
    """The probability from which an answer is flagged."""
    return _model()["threshold"]
