"""Zero-shot baseline: nearest theme centroid (description + examples) on the dev split only.

The reference point the trained tagger must beat. It never reads test.jsonl (held out).

    .venv/bin/python evaluation/zero_shot_baseline.py
"""

import json
import os
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CODEBOOKS = ("therapist-support", "working-alliance", "icbt-implementation")


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Scale rows to unit length."""
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)


def centroids(model, codebook: dict) -> tuple[list[str], np.ndarray]:
    """One unit vector per taggable theme: the mean of its description and examples."""
    ids, rows = [], []
    for theme in codebook["themes"]:
        ids.append(theme["id"])
        rows.append(normalise(model.encode([theme["description"], *theme["examples"]])).mean(0))
    return ids, normalise(np.array(rows))


def main() -> None:
    """Print top-1 accuracy per codebook, then key=value figures."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from model2vec import StaticModel

    started = time.perf_counter()
    model = StaticModel.from_pretrained(str(ROOT / "portal" / "tagging" / "model"))
    load_s = time.perf_counter() - started
    items = [json.loads(line) for line in
             (ROOT / "evaluation" / "devset" / "dev.jsonl").read_text().splitlines()]
    figures = {"load_s": round(load_s, 2)}
    for name in CODEBOOKS:
        with (ROOT / "surveys" / "codebooks" / f"{name}.toml").open("rb") as handle:
            ids, matrix = centroids(model, tomllib.load(handle))
        labelled = [i for i in items if i["codebook"] == name and i["themes"]]
        best = (normalise(model.encode([i["text"] for i in labelled])) @ matrix.T).argmax(1)
        top1 = float(np.mean([ids[b] == i["themes"][0] for b, i in zip(best, labelled,
                                                                      strict=True)]))
        print(f"{name}: {len(labelled)} dev items, top-1 {top1:.2f}")
        figures[f"{name.replace('-', '_')}_top1"] = round(top1, 3)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
