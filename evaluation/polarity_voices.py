"""Leave-one-voice-out on the phrase bank: how statement polarity does on a voice it never saw.

For each stakeholder voice of the icbt-implementation bank, the weighing model is fitted on
the other three voices (tools/train_polarity_model.py's fit, out-of-fold inside them too) and
scored on the held-out voice, beside the rules alone. The bank is a third neutral and real
feedback about a tenth, so besides plain accuracy it reports accuracy with neutral items
re-weighted to a tenth, and accuracy on barrier and facilitator phrasings only. "context" is
the held-out voice's polar phrasings each set among one or two of its neutral ones, as in a
longer answer whose context carries no lean. No evaluation item is read. The last line is
key=value figures.

    .venv/bin/python evaluation/polarity_voices.py
"""

import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.tagging.embedding import encode  # noqa: E402
from portal.tagging.lean import LABELS, LOGIT_SCALE  # noqa: E402
from portal.tagging.polarity import NEUTRAL, read  # noqa: E402
from tools.train_polarity_model import bank, fit  # noqa: E402

NEUTRAL_SHARE = 0.1
COLUMNS = ("all", "neutral10", "barfac", "context")
CONTEXT_SEED = 20240611


def with_context(texts: list[str], labels: np.ndarray,
                 groups: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Each polar phrasing among one or two neutral phrasings of its voice, labelled as it is."""
    rng = random.Random(CONTEXT_SEED)
    neutral = LABELS.index(NEUTRAL)
    made, made_labels, made_groups = [], [], []
    for group in sorted(set(groups)):
        mine = [(t, label) for t, label, g in zip(texts, labels, groups, strict=True)
                if g == group]
        context = [t for t, label in mine if label == neutral]
        for text, label in mine:
            if label == neutral or not context:
                continue
            parts = rng.sample(context, min(len(context), rng.choice((1, 2))))
            parts.insert(rng.randrange(len(parts) + 1), text)
            made.append(" ".join(part.rstrip(".") + "." for part in parts))
            made_labels.append(label)
            made_groups.append(group)
    return made, np.array(made_labels, dtype=int), np.array(made_groups)


def inputs_of(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(embeddings, rules' features) of texts."""
    return encode(texts), np.array([read(text).features for text in texts], dtype=np.float32)


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
    made, made_labels, made_groups = with_context(texts, labels, groups)
    figures: dict[str, list[tuple[float, ...]]] = {"rules": [], "weighed": []}
    print(f"{'voice':16} {'method':8}" + "".join(f" {c:>9}" for c in COLUMNS))
    for voice in sorted(set(groups)):
        held, made_held = groups == voice, made_groups == voice
        train = np.flatnonzero(~held)
        lean, weighing = fit([texts[i] for i in train], labels[train], groups[train])
        guesses = {"rules": [], "weighed": []}
        for chosen in ([t for t, h in zip(texts, held, strict=True) if h],
                       [t for t, h in zip(made, made_held, strict=True) if h]):
            vectors, features = inputs_of(chosen)
            inputs = np.hstack([features, lean.logits(vectors) / LOGIT_SCALE])
            guesses["rules"].append(np.array([LABELS.index(read(t).label) for t in chosen]))
            guesses["weighed"].append(weighing.logits(inputs).argmax(axis=1))
        for method, (single, in_context) in guesses.items():
            context = float((in_context == made_labels[made_held]).mean())
            figures[method].append((*scores(single, labels[held]), context))
            print(f"{voice:16} {method:8}" + "".join(f" {v:9.3f}" for v in figures[method][-1]))
    means = {f"{method}_{name}": float(np.mean([row[k] for row in rows]))
             for method, rows in figures.items() for k, name in enumerate(COLUMNS)}
    print(" ".join(f"{key}={value:.3f}" for key, value in means.items()))


if __name__ == "__main__":
    main()
