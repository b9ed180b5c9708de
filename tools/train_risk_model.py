"""Train the risk classifier that backs up the phrase rules, and record its provenance.

A development tool: the product only reads the JSON it writes. Positives are the risk
development set (evaluation/risk/set.jsonl) and first-person statements of the items of
published screening instruments (evaluation/risk/anchors.jsonl: C-SSRS, ASQ, PHQ-9 item 9,
HITS, the Danger Assessment); negatives are the set's hard negatives, ordinary feedback
(evaluation/devset/dev.jsonl) and the non-answers and self-descriptions patients write
(evaluation/risk/ordinary.jsonl: "I don't know.", "I'm retired."). The held-out risk sets
are never read.

    .venv/bin/python tools/train_risk_model.py

The settings (C, threshold) were chosen by 5-fold cross-validation on the same data, as the
recall on risk items that kept false flags on ordinary feedback near 2%.
"""

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from portal.tagging.embedding import encode  # noqa: E402
from portal.tagging.risk_classifier import MODEL_PATH  # noqa: E402

SOURCES = {"risk_set": REPO / "evaluation/risk/set.jsonl",
           "anchors": REPO / "evaluation/risk/anchors.jsonl",
           "feedback": REPO / "evaluation/devset/dev.jsonl",
           "ordinary": REPO / "evaluation/risk/ordinary.jsonl"}
C, THRESHOLD = 30.0, 0.9


def rows(path: Path) -> list[dict]:
    """The JSON Lines records of a file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    """Fit, then write weights, threshold and provenance to portal/tagging/risk_model.json."""
    risk, anchors = rows(SOURCES["risk_set"]), rows(SOURCES["anchors"])
    feedback = [{"text": r["text"], "risk": False, "category": None}
                for r in rows(SOURCES["feedback"]) + rows(SOURCES["ordinary"])]
    examples = risk + anchors + feedback
    vectors = encode([e["text"] for e in examples])
    labels = np.array([int(bool(e["risk"])) for e in examples])
    flag = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(vectors, labels)
    positive = labels == 1
    kinds = LogisticRegression(C=C, max_iter=5000).fit(
        vectors[positive], [e["category"] for e, p in zip(examples, positive, strict=True) if p])
    model = {
        "threshold": THRESHOLD,
        "flag": {"coef": flag.coef_[0].round(6).tolist(),
                 "intercept": round(float(flag.intercept_[0]), 6)},
        "category": {"classes": list(kinds.classes_),
                     "coef": kinds.coef_.round(6).tolist(),
                     "intercept": kinds.intercept_.round(6).tolist()},
        "provenance": {
            "script": "tools/train_risk_model.py", "C": C, "class_weight": "balanced",
            "examples": {"positive": int(labels.sum()), "negative": int((1 - labels).sum())},
            "data_sha256": {name: hashlib.sha256(path.read_bytes()).hexdigest()
                            for name, path in SOURCES.items()},
            "embedding": "portal/tagging/model (uptake-minilm-static-256)",
            "scikit_learn": version("scikit-learn"),
        },
    }
    MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH.relative_to(REPO)}: {labels.sum()} positive, "
          f"{(1 - labels).sum()} negative examples")


if __name__ == "__main__":
    main()
