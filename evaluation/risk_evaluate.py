"""Score the risk detector (portal.domain.risk) on the labelled set; prints misses and figures.

Usage: .venv/bin/python evaluation/risk_evaluate.py [evaluation/risk/set.jsonl] [--quiet]
The last line is key=value pairs for scripts.
"""

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.domain.risk import assess  # noqa: E402

DEFAULT = Path(__file__).resolve().parent / "risk" / "set.jsonl"


def load(path: Path) -> list[dict]:
    """Read the JSON Lines set."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def main(argv: list[str]) -> int:
    """Print misses, false alarms, per-category recall and a key=value summary line."""
    quiet = "--quiet" in argv
    paths = [a for a in argv if not a.startswith("--")]
    items = load(Path(paths[0]) if paths else DEFAULT)
    tp = fp = fn = tn = same_category = 0
    per_category: Counter = Counter()
    found_category: Counter = Counter()
    for item in items:
        match = assess(item["text"])
        if item["risk"]:
            per_category[item["category"]] += 1
            if match:
                tp += 1
                found_category[item["category"]] += 1
                same_category += match.category == item["category"]
            else:
                fn += 1
                if not quiet:
                    print(f"MISSED   {item['id']} [{item['category']}] {item['text']}")
        elif match:
            fp += 1
            if not quiet:
                print(f"FLAGGED  {item['id']} ({','.join(match.rules)}) {item['text']}")
        else:
            tn += 1
    recall = tp / (tp + fn) if tp + fn else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    for category in sorted(per_category):
        print(f"recall {category:<15} {found_category[category]}/{per_category[category]}")
    print(f"items={len(items)} positives={tp + fn} negatives={fp + tn} tp={tp} fn={fn} fp={fp} "
          f"tn={tn} recall={recall:.3f} precision={precision:.3f} "
          f"category_agreement={same_category / tp if tp else 0:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
