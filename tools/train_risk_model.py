"""Train the risk classifier that backs up the phrase rules, and record its provenance.

A development tool: the product only reads the JSON it writes. Positives are the risk
development set (evaluation/risk/set.jsonl), the indirect disclosures written for the back-up
(evaluation/risk/indirect.jsonl: passive death wish, burdensomeness, hopelessness, entrapment,
farewells, preparations, means, past attempts, indirect self-harm and safeguarding wording) and
first-person statements of the items of published screening instruments
(evaluation/risk/anchors.jsonl: C-SSRS, ASQ, PHQ-9 item 9, HITS, the Danger Assessment);
negatives are the hard negatives of both risk sets (hyperbole about the programme, figurative
kill/die/cut, grief, low mood without risk), ordinary feedback (evaluation/devset/dev.jsonl)
and the non-answers and self-descriptions patients write (evaluation/risk/ordinary.jsonl:
"I don't know.", "I'm retired."). The held-out risk sets are never read.

Every text is trained on as the product scores it: normalised and with the known figurative
phrases masked (portal.domain.risk). The product scores each sentence and keeps the worst, so
negatives are also trained on sentence by sentence (a sentence of a harmless answer is
harmless); positives are trained whole (which sentence discloses is not labelled).

    .venv/bin/python tools/train_risk_model.py        # fit and write the model
    .venv/bin/python tools/train_risk_model.py --cv   # choose C and the threshold

The settings (C, threshold) were chosen with --cv: 5-fold cross-validation on the same data,
folds grouped by item family (the items of indirect.jsonl written together on one idea share
a fold, and so do the anchors of one instrument), scored per sentence as the product does.
The chosen pair is the one with the best recall of rules and back-up together on the risk
items while the back-up flags at most 1% of ordinary feedback and non-answers and at most 10%
of the hard negatives.
"""

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from portal.domain.risk import _RULES, mask_figurative, normalise  # noqa: E402
from portal.tagging.corpus import sentences  # noqa: E402
from portal.tagging.embedding import encode  # noqa: E402
from portal.tagging.risk_classifier import MODEL_PATH  # noqa: E402

SOURCES = {"risk_set": REPO / "evaluation/risk/set.jsonl",
           "indirect": REPO / "evaluation/risk/indirect.jsonl",
           "anchors": REPO / "evaluation/risk/anchors.jsonl",
           "feedback": REPO / "evaluation/devset/dev.jsonl",
           "ordinary": REPO / "evaluation/risk/ordinary.jsonl"}
C, THRESHOLD = 100.0, 0.98
GRID_C = (1.0, 3.0, 10.0, 30.0, 100.0)
GRID_THRESHOLD = tuple(round(t, 2) for t in np.arange(0.5, 0.991, 0.02))
MAX_ORDINARY_FLAGS, MAX_HARD_NEGATIVE_FLAGS = 0.01, 0.10


def rows(path: Path) -> list[dict]:
    """The JSON Lines records of a file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def prepared(text: str) -> str:
    """The text as the product hands it to the classifier."""
    return mask_figurative(normalise(text))


def units(text: str) -> list[str]:
    """The sentences the product scores (the whole text when it has none)."""
    return sentences(text) or [text]


def examples() -> list[dict]:
    """Every training item: prepared text, label, category, fold group and kind."""
    out = []
    for source in ("risk_set", "indirect"):
        for r in rows(SOURCES[source]):
            family = next((t.split(":", 1)[1] for t in r.get("tags", [])
                           if t.startswith("family:")), r["id"])
            out.append({"text": prepared(r["text"]), "risk": bool(r["risk"]),
                        "category": r["category"], "group": f"{source}:{family}",
                        "kind": "risk" if r["risk"] else "hard_negative"})
    for r in rows(SOURCES["anchors"]):
        out.append({"text": prepared(r["text"]), "risk": True, "category": r["category"],
                    "group": "anchors:" + r["source"].split()[0], "kind": "risk"})
    for source in ("feedback", "ordinary"):
        for i, r in enumerate(rows(SOURCES[source])):
            out.append({"text": prepared(r["text"]), "risk": False, "category": None,
                        "group": f"{source}:{r.get('id', i)}", "kind": "ordinary"})
    return out


def training_rows(items: list[dict]) -> tuple[list[str], list[int], list]:
    """Texts, labels and categories to fit on: positives whole, negatives also per sentence."""
    texts, labels, categories = [], [], []
    for e in items:
        pieces = [e["text"]]
        if not e["risk"]:
            pieces += [s for s in units(e["text"]) if s != e["text"]]
        for piece in pieces:
            texts.append(piece)
            labels.append(int(e["risk"]))
            categories.append(e["category"])
    return texts, labels, categories


def fit(items: list[dict], c: float) -> LogisticRegression:
    """The flag classifier on these items."""
    texts, labels, _ = training_rows(items)
    return LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(
        encode(texts), np.array(labels))


def scores(model: LogisticRegression, items: list[dict]) -> np.ndarray:
    """Each item's score as the product computes it: its most worrying sentence."""
    pieces = [units(e["text"]) for e in items]
    flat = encode([s for p in pieces for s in p])
    probabilities = model.predict_proba(flat)[:, 1]
    out, start = [], 0
    for p in pieces:
        out.append(float(probabilities[start:start + len(p)].max()))
        start += len(p)
    return np.array(out)


def cross_validate(folds: int = 5) -> None:
    """Print out-of-fold recall and false-flag rates for each C and threshold; pick one pair."""
    items = examples()
    groups = [e["group"] for e in items]
    kind = np.array([e["kind"] for e in items])
    ruled = np.array([any(p.search(e["text"]) for _, _, p in _RULES) for e in items])
    best = None
    for c in GRID_C:
        oof = np.zeros(len(items))
        for train, test in GroupKFold(n_splits=folds).split(items, groups=groups):
            model = fit([items[i] for i in train], c)
            oof[test] = scores(model, [items[i] for i in test])
        for t in GRID_THRESHOLD:
            flagged = oof >= t
            risk = kind == "risk"
            recall = flagged[risk].mean()
            combined = (flagged | ruled)[risk].mean()
            ordinary = flagged[kind == "ordinary"].mean()
            hard = (flagged & ~ruled)[kind == "hard_negative"].mean()
            print(f"C={c:<6g} t={t:.2f} back-up recall={recall:.3f} rules+back-up "
                  f"recall={combined:.3f} ordinary flagged={ordinary:.4f} "
                  f"hard negatives flagged={hard:.3f}")
            if ordinary <= MAX_ORDINARY_FLAGS and hard <= MAX_HARD_NEGATIVE_FLAGS:
                key = (round(combined, 3), -ordinary, -hard, t)
                if best is None or key > best[0]:
                    best = (key, c, t, combined, ordinary, hard)
    if best:
        _, c, t, combined, ordinary, hard = best
        print(f"chosen: C={c:g} threshold={t:.2f} rules+back-up recall={combined:.3f} "
              f"ordinary flagged={ordinary:.4f} hard negatives flagged={hard:.3f}")


def main() -> None:
    """Fit, then write weights, threshold and provenance to portal/tagging/risk_model.json."""
    items = examples()
    texts, labels, categories = training_rows(items)
    vectors = encode(texts)
    labels = np.array(labels)
    flag = LogisticRegression(C=C, class_weight="balanced", max_iter=5000).fit(vectors, labels)
    positive = labels == 1
    kinds = LogisticRegression(C=C, max_iter=5000).fit(
        vectors[positive], [c for c, p in zip(categories, positive, strict=True) if p])
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
    if "--cv" in sys.argv[1:]:
        cross_validate()
    else:
        main()
