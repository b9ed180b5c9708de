"""Evaluate the tagger on the hand-labelled set: dev split by default, --split test to report.

    .venv/bin/python evaluation/evaluate.py [--split dev|test]

Prints per-codebook figures, then one last line of key=value pairs. test.jsonl is held out:
run it only to report final figures, never to tune.
"""

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.tagging.engine import Tagger, load_model  # noqa: E402

CODEBOOKS = ("therapist-support", "working-alliance", "icbt-implementation")


def load_definition(name: str) -> dict:
    """A codebook as parsed from surveys/codebooks."""
    with (ROOT / "surveys" / "codebooks" / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def load_items(split: str) -> list[dict]:
    """The labelled items of one split."""
    path = ROOT / "evaluation" / "devset" / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def micro_f1(predicted: list[list[str]], gold: list[list[str]]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 of predicted theme sets against gold sets."""
    hits = sum(len(set(p) & set(g)) for p, g in zip(predicted, gold, strict=True))
    n_pred = sum(len(set(p)) for p in predicted)
    n_gold = sum(len(set(g)) for g in gold)
    precision = hits / n_pred if n_pred else 0.0
    recall = hits / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def top1(results: list, items: list[dict], key=lambda theme: theme) -> float:
    """Share of themed items whose best-scored theme is the gold primary theme (after key)."""
    pairs = [(max(r.scores, key=r.scores.get), i["themes"][0])
             for r, i in zip(results, items, strict=True) if i["themes"]]
    return sum(key(p) == key(g) for p, g in pairs) / len(pairs) if pairs else 0.0


def evaluate(name: str, items: list[dict], figures: dict) -> None:
    """Tag one codebook's items, print its figures and add them to figures."""
    definition = load_definition(name)
    tagger = Tagger.for_definition(definition)
    results = tagger.tag([i["text"] for i in items], [i["role"] for i in items])
    prefix = name.replace("-", "_")
    precision, recall, f1 = micro_f1([r.themes for r in results], [i["themes"] for i in items])
    first = top1(results, items)
    line = f"{name}: {len(items)} items, top-1 {first:.3f}"
    figures[f"{prefix}_top1"] = first
    if name == "working-alliance":
        parent = {t["id"]: t["parent"] for t in definition["themes"]}
        parent_first = top1(results, items, key=parent.get)
        figures[f"{prefix}_parent_top1"] = parent_first
        line += f", parent top-1 {parent_first:.3f}"
    line += f", applied micro P/R/F1 {precision:.3f}/{recall:.3f}/{f1:.3f}"
    figures[f"{prefix}_f1"] = f1
    if definition.get("polarity"):
        rated = [(r, i) for r, i in zip(results, items, strict=True) if i["polarity"]]
        accuracy = sum(r.polarity == i["polarity"] for r, i in rated) / len(rated)
        figures[f"{prefix}_polarity"] = accuracy
        line += f", polarity accuracy {accuracy:.3f} ({len(rated)} items)"
    print(line)


def main() -> None:
    """Run every codebook on the chosen split and print key=value figures last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    args = parser.parse_args()
    started = time.perf_counter()
    load_model()
    for name in CODEBOOKS:
        Tagger.for_definition(load_definition(name))
    figures: dict[str, float] = {"build_s": time.perf_counter() - started}
    items = load_items(args.split)
    print(f"split={args.split}, {len(items)} items")
    for name in CODEBOOKS:
        evaluate(name, [i for i in items if i["codebook"] == name], figures)
    print(" ".join(f"{k}={v:.3f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
