"""Polarity when the rules find no cue: the lean a passage's meaning suggests.

The rules in polarity.py read cue words, negation and contrast; a statement with no cue
word ("completion went from 38% to 55%") would stay neutral. Such passages go to a
barrier-versus-facilitator logistic regression over the passage's embedding, trained on the
phrase bank's labelled phrasings. It answers only when it leans clearly; otherwise neutral.
"""

import functools
import threading

import numpy as np

from portal.tagging import classifier
from portal.tagging.embedding import encode
from portal.tagging.phrase_bank import phrases
from portal.tagging.polarity import BARRIER, FACILITATOR, NEUTRAL, assess

BANK = "icbt-implementation"
# Below this probability margin from 0.5 the meaning does not lean: keep neutral. Chosen by
# leave-one-voice-out on the phrase bank (0.05: 0.74-0.79 right vs 0.60-0.70 for the rules).
MARGIN = 0.05
_lock = threading.Lock()


@functools.cache
def _model() -> classifier.LinearModel | None:
    """Fit the fallback on the phrase bank's barrier and facilitator phrasings."""
    rows = [(text, polarity == FACILITATOR) for _, polarity, _, text in phrases(BANK)
            if polarity in (BARRIER, FACILITATOR)]
    if not rows:
        return None
    vectors = encode([text for text, _ in rows])
    targets = np.array([[float(up)] for _, up in rows], dtype=np.float32)
    return classifier.fit(vectors, targets, np.ones_like(targets), c=2.0)


def polarity(text: str) -> tuple[str, float]:
    """The rules' polarity, or the meaning's lean when the rules found no cue."""
    label, confidence, cue = assess(text)
    if cue or not text.strip():
        return label, confidence
    with _lock:
        model = _model()
    if model is None:
        return label, confidence
    probability = float(1.0 / (1.0 + np.exp(-model.logits(encode([text]))[0, 0])))
    if abs(probability - 0.5) < MARGIN:
        return NEUTRAL, confidence
    return (FACILITATOR if probability > 0.5 else BARRIER), round(abs(probability - 0.5) * 2, 3)
