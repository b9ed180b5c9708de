"""Fit the model that weighs the polarity rules against the meaning's lean, with provenance.

A development tool: the product only reads the JSON it writes (portal/tagging/lean.py). It
learns from the icbt-implementation phrase bank only, never from evaluation items, in two
layers:

1. the lean: two logistic regressions over a phrasing's embedding (barrier vs facilitator,
   polar vs neutral);
2. the weighing: a one-vs-rest logistic regression over the rules' features
   (polarity.FEATURES) and the lean's two logits. Its training logits are out-of-fold by
   stakeholder voice, so it learns how far the lean can be trusted on a voice it never saw.

    .venv/bin/python tools/train_polarity_model.py

The settings were chosen by leave-one-voice-out on the bank (evaluation/polarity_voices.py).
"""

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from portal.tagging import classifier  # noqa: E402
from portal.tagging.embedding import encode  # noqa: E402
from portal.tagging.lean import BANK, LABELS, LOGIT_SCALE, MODEL_PATH  # noqa: E402
from portal.tagging.phrase_bank import BANK_DIR, phrases  # noqa: E402
from portal.tagging.polarity import FEATURES, LEXICON_PATH, NEUTRAL, read  # noqa: E402

LEAN_C = 2.0  # inverse L2 strength of the lean; 2 and 8 tie on leave-one-voice-out
WEIGHING_C = 4.0  # 1, 4 and 16 within 0.005 of each other on leave-one-voice-out
# The bank is a third neutral; real feedback is about a tenth (evaluation/README.md), so a
# neutral phrasing counts this much, else the model calls too much neutral.
NEUTRAL_WEIGHT = 0.3


def sources() -> dict[str, Path]:
    """Every file the shipped model depends on: the bank, the lexicon and the rules' code."""
    bank = {f"bank/{p.name}": p for p in sorted((BANK_DIR / BANK).glob("*.toml"))}
    return {**bank, "lexicon": LEXICON_PATH, "rules": LEXICON_PATH.with_name("polarity.py")}


def _binary(vectors: np.ndarray, up: np.ndarray) -> classifier.LinearModel:
    """One logistic regression of the lean."""
    targets = up.astype(np.float32)[:, None]
    return classifier.fit(vectors, targets, np.ones_like(targets), c=LEAN_C)


def fit_lean(vectors: np.ndarray, labels: np.ndarray) -> classifier.LinearModel:
    """Barrier-vs-facilitator (on polar rows only) and polar-vs-neutral, as one two-row model."""
    polar = labels != LABELS.index(NEUTRAL)
    towards = _binary(vectors[polar], labels[polar] == LABELS.index("facilitator"))
    charged = _binary(vectors, polar)
    return classifier.LinearModel(np.vstack([towards.weights, charged.weights]),
                                  np.concatenate([towards.bias, charged.bias]))


def out_of_fold_logits(vectors: np.ndarray, labels: np.ndarray,
                       groups: np.ndarray) -> np.ndarray:
    """Each row's lean logits from a lean fitted without that row's voice."""
    logits = np.zeros((len(labels), 2), dtype=np.float32)
    for group in np.unique(groups):
        held = groups == group
        logits[held] = fit_lean(vectors[~held], labels[~held]).logits(vectors[held])
    return logits


def fit_weighing(features: np.ndarray, logits: np.ndarray,
                 labels: np.ndarray) -> classifier.LinearModel:
    """The one-vs-rest model over the rules' features and the lean's logits."""
    inputs = np.hstack([features, logits / LOGIT_SCALE]).astype(np.float32)
    targets = np.eye(len(LABELS), dtype=np.float32)[labels]
    weights = np.ones_like(targets)
    weights[labels == LABELS.index(NEUTRAL)] = NEUTRAL_WEIGHT
    return classifier.fit(inputs, targets, weights, c=WEIGHING_C)


def fit(texts: list[str], labels: np.ndarray, groups: np.ndarray):
    """(lean, weighing) fitted on labelled texts grouped by voice."""
    vectors = encode(texts)
    features = np.array([read(text).features for text in texts], dtype=np.float32)
    weighing = fit_weighing(features, out_of_fold_logits(vectors, labels, groups), labels)
    return fit_lean(vectors, labels), weighing


def bank() -> tuple[list[str], np.ndarray, np.ndarray]:
    """The bank's phrasings, their label indices and their voices."""
    rows = phrases(BANK)
    return ([text for *_, text in rows], np.array([LABELS.index(p) for _, p, _, _ in rows]),
            np.array([group for _, _, group, _ in rows]))


def _plain(model: classifier.LinearModel) -> dict:
    """A linear model as JSON lists."""
    return {"weights": model.weights.round(6).tolist(), "bias": model.bias.round(6).tolist()}


def main() -> None:
    """Fit on the whole bank and write weights and provenance to portal/tagging/."""
    texts, labels, groups = bank()
    lean, weighing = fit(texts, labels, groups)
    model = {
        "labels": list(LABELS),
        "features": [*FEATURES, "lean_towards_facilitator", "lean_polar"],
        "lean": _plain(lean),
        "weighing": _plain(weighing),
        "provenance": {
            "script": "tools/train_polarity_model.py",
            "lean_c": LEAN_C, "weighing_c": WEIGHING_C, "neutral_weight": NEUTRAL_WEIGHT,
            "examples": {label: int((labels == k).sum()) for k, label in enumerate(LABELS)},
            "data_sha256": {name: hashlib.sha256(path.read_bytes()).hexdigest()
                            for name, path in sources().items()},
            "embedding": "portal/tagging/model (uptake-minilm-static-256)",
        },
    }
    MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(REPO)} from {len(texts)} phrasings")


if __name__ == "__main__":
    main()
