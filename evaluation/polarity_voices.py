"""Leave-one-voice-out on the phrase bank: how statement polarity does on a voice it never saw.

For each stakeholder voice of the icbt-implementation bank, the weighing model is fitted on
the other three voices (tools/train_polarity_model.py's fit, out-of-fold inside them too) and
scored on the held-out voice, beside the rules alone. The bank is a third neutral and real
feedback about a tenth, so besides plain accuracy it reports accuracy with neutral items
re-weighted to a tenth, and accuracy on barrier and facilitator phrasings only. No
evaluation item is read. The last line is key=value figures.

    .venv/bin/python evaluation/polarity_voices.py
"""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.tagging.embedding import encode  # noqa: E402
from portal.tagging.lean import LABELS, LOGIT_SCALE  # noqa: E402
from portal.tagging.polarity import NEUTRAL, read  # noqa: E402
from tools.train_polarity_model import (  # noqa: E402
    bank,
    fit_lean,
    fit_weighing,
    out_of_fold_logits,
)

NEUTRAL_SHARE = 0.1


def scores(predicted: np.ndarray, gold: np.ndarray) -> tuple[float, float, float]:
    """Plain accuracy, accuracy with neutral re-weighted to NEUTRAL_SHARE, barrier/facilitator."""
    right = predicted == gold
    neutral = gold == LABELS.index(NEUTRAL)
    weights = np.where(neutral, NEUTRAL_SHARE / neutral.mean(),
                       (1 - NEUTRAL_SHARE) / (~neutral).mean())
    return float(right.mean()), float((weights * right).sum() / weights.sum()), float(
        right[~neutral].mean())


def main() -> None:
    """Print per-voice figures for the rules and the weighed model, then key=value means."""
    texts, labels, groups = bank()
    vectors = encode(texts)
    features = np.array([read(text).features for text in texts], dtype=np.float32)
    rules = np.array([LABELS.index(read(text).label) for text in texts])
    figures: dict[str, list[tuple[float, float, float]]] = {"rules": [], "weighed": []}
    print(f"{'voice':16} {'method':8} {'all':>6} {'neu10%':>7} {'bar/fac':>8}")
    for voice in sorted(set(groups)):
        held = groups == voice
        train = ~held
        weighing = fit_weighing(features[train],
                                out_of_fold_logits(vectors[train], labels[train], groups[train]),
                                labels[train])
        lean = fit_lean(vectors[train], labels[train])
        inputs = np.hstack([features[held], lean.logits(vectors[held]) / LOGIT_SCALE])
        predicted = {"rules": rules[held], "weighed": weighing.logits(inputs).argmax(axis=1)}
        for method, guess in predicted.items():
            figures[method].append(scores(guess, labels[held]))
            plain, prior, polar = figures[method][-1]
            print(f"{voice:16} {method:8} {plain:6.3f} {prior:7.3f} {polar:8.3f}")
    means = {f"{method}_{name}": float(np.mean([row[k] for row in rows]))
             for method, rows in figures.items()
             for k, name in enumerate(("all", "neutral10", "barfac"))}
    print(" ".join(f"{key}={value:.3f}" for key, value in means.items()))


if __name__ == "__main__":
    main()
