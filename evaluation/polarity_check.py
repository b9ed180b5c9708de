"""Statement polarity accuracy on the labelled icbt-implementation items.

Scores the statement polarity the tagger gives (portal.tagging.lean: the rules weighed
against the embedding lean); `--rules` scores the rules of portal.tagging.polarity alone.
Reads dev.jsonl by default; `--split test` reads the held-out test.jsonl, which is for
reporting final figures only (evaluation/README.md). The last line is key=value figures.

    .venv/bin/python evaluation/polarity_check.py [--split test] [--rules] [--errors]
"""

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from portal.tagging.lean import polarity  # noqa: E402
from portal.tagging.polarity import BARRIER, FACILITATOR, NEUTRAL, polarity_of  # noqa: E402

LABELS = (BARRIER, FACILITATOR, NEUTRAL)


def load(split: str) -> list[dict]:
    """Items of one split that carry a polarity label."""
    path = ROOT / "evaluation" / "devset" / f"{split}.jsonl"
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [item for item in items if item.get("polarity")]


def main() -> None:
    """Print accuracy, per-label recall and the confusion matrix, then key=value figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--errors", action="store_true", help="list misclassified items")
    parser.add_argument("--rules", action="store_true", help="score the rules alone")
    args = parser.parse_args()
    items = load(args.split)
    started = time.perf_counter()
    method = polarity_of if args.rules else polarity
    predicted = [method(item["text"])[0] for item in items]
    elapsed = time.perf_counter() - started
    confusion = Counter((item["polarity"], p) for item, p in zip(items, predicted, strict=True))
    correct = sum(confusion[(label, label)] for label in LABELS)
    accuracy = correct / len(items) if items else 0.0
    print(f"{args.split}: {len(items)} items with polarity, accuracy {accuracy:.3f}")
    print(f"{'gold / predicted':>18}" + "".join(f"{label:>13}" for label in LABELS))
    for gold in LABELS:
        row = "".join(f"{confusion[(gold, p)]:>13}" for p in LABELS)
        total = sum(confusion[(gold, p)] for p in LABELS)
        recall = confusion[(gold, gold)] / total if total else 0.0
        print(f"{gold:>18}{row}   recall {recall:.2f}")
    if args.errors:
        for item, p in zip(items, predicted, strict=True):
            if p != item["polarity"]:
                print(f"- {item['id']} {item['polarity']} -> {p}: {item['text'][:160]}")
    figures = {
        "split": args.split,
        "method": "rules" if args.rules else "statement",
        "items": len(items),
        "accuracy": round(accuracy, 3),
        **{f"{gold[:3]}_as_{p[:3]}": confusion[(gold, p)] for gold in LABELS for p in LABELS},
        "ms_per_item": round(1000 * elapsed / max(len(items), 1), 3),
    }
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
