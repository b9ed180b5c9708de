"""Auto-tagger speed, load time and memory, beside its figures on the development set.

Responses are written by the demo text generator (each group's voice, 1-3 mentions, short
answers mixed in). A response is tagged as the write path tags it: against every codebook
that codes its group (three for patients, one for staff).

- load:   a fresh process imports the engine, loads the model and builds the three codebooks'
          taggers (median of --loads runs);
- encode: the baseline, in the same process: the embedding model alone encoding the same
          texts (what no tagger can beat);
- tag:    the full engine; rates on 1 process and on 2 processes (the 2-core figure);
- memory: peak resident set size of a worker process after tagging;
- dev:    therapist-support top-1, working-alliance parent top-1, icbt-implementation
          micro-F1 and polarity on evaluation/devset/dev.jsonl.

Medians over --rounds; the last line holds key=value pairs.

    .venv/bin/python bench/tagging.py [--responses 4000] [--rounds 5] [--loads 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GROUPS = ("therapist", "service_manager", "vendor", "patient")
CODEBOOKS = ("icbt-implementation", "therapist-support", "working-alliance")
LOAD_SNIPPET = """
import time, tomllib, pathlib
started = time.perf_counter()
from portal.tagging.engine import Tagger, load_model
load_model()
for name in {codebooks!r}:
    with (pathlib.Path({root!r}) / "surveys" / "codebooks" / f"{{name}}.toml").open("rb") as f:
        Tagger.for_definition(tomllib.load(f))
print(time.perf_counter() - started)
"""


def definitions() -> dict[str, dict]:
    """The shipped codebooks by id."""
    found = {}
    for name in CODEBOOKS:
        with (ROOT / "surveys" / "codebooks" / f"{name}.toml").open("rb") as handle:
            found[name] = tomllib.load(handle)
    return found


def responses(count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(group, text) pairs in the groups' voices, as the demo world writes them."""
    from portal.demo.texts import write_feedback, write_short_answer

    rng = random.Random(seed)
    themes = {g: [t["id"] for t in definitions()["icbt-implementation"]["themes"]]
              for g in GROUPS}
    made = []
    while len(made) < count:
        group = rng.choice(GROUPS)
        if rng.random() < 0.15:
            made.append((group, write_short_answer(group, rng)))
            continue
        mentions = [(rng.choice(themes[group]), rng.choice(("barrier", "facilitator")))
                    for _ in range(rng.choice((1, 1, 2, 3)))]
        try:
            made.append((group, write_feedback(group, mentions, rng)))
        except (KeyError, ValueError):
            continue  # the generator has no phrasing for this theme in this group's voice
    return made


def tag_all(batch: list[tuple[str, str]]) -> tuple[float, int]:
    """Tag a batch the way the write path does; return (seconds, peak RSS in kB)."""
    from portal.tagging.engine import Tagger

    taggers = {name: Tagger.for_definition(d) for name, d in definitions().items()}
    started = time.perf_counter()
    for name, definition in definitions().items():
        mine = [(g, t) for g, t in batch if g in definition["groups"]]
        taggers[name].tag([t for _, t in mine], [g for g, _ in mine])
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def encode_all(batch: list[tuple[str, str]]) -> float:
    """The baseline: encode the same texts as often as the taggers see them, nothing else."""
    from portal.tagging.embedding import encode

    started = time.perf_counter()
    for definition in definitions().values():
        encode([t for g, t in batch if g in definition["groups"]])
    return time.perf_counter() - started


def warm(_: int) -> int:
    """Build the taggers in a pool worker before it is timed."""
    tag_all([("patient", "warm up")])
    return 0


def two_process_rate(batch: list[tuple[str, str]], pool) -> float:
    """Responses per second with the batch split over two worker processes."""
    halves = [batch[0::2], batch[1::2]]
    started = time.perf_counter()
    results = pool.map(tag_all, halves)
    elapsed = time.perf_counter() - started
    return len(batch) / elapsed, max(rss for _, rss in results)


def load_seconds() -> float:
    """Cold start in a fresh interpreter: import, model load, three taggers."""
    code = LOAD_SNIPPET.format(codebooks=CODEBOOKS, root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    return float(out.stdout.strip().splitlines()[-1])


def dev_figures() -> dict[str, float]:
    """The engine's figures on the development split (evaluation/evaluate.py)."""
    sys.path.insert(0, str(ROOT / "evaluation"))
    import evaluate  # noqa: E402  (evaluation/ is not a package)

    items = evaluate.load_items("dev")
    figures: dict[str, float] = {}
    for name in CODEBOOKS:
        evaluate.evaluate(name, [i for i in items if i["codebook"] == name], figures)
    return {"dev_therapist_support_top1": figures["therapist_support_top1"],
            "dev_working_alliance_parent_top1": figures["working_alliance_parent_top1"],
            "dev_icbt_implementation_f1": figures["icbt_implementation_f1"],
            "dev_icbt_implementation_polarity": figures["icbt_implementation_polarity"]}


def main() -> None:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--loads", type=int, default=3)
    args = parser.parse_args()

    loads = [load_seconds() for _ in range(args.loads)]
    print(f"cold load (import + model + 3 taggers): median {statistics.median(loads):.2f} s "
          f"over {len(loads)} runs", flush=True)
    batch = responses(args.responses)
    words = statistics.mean(len(t.split()) for _, t in batch)
    print(f"{len(batch)} responses, mean {words:.0f} words", flush=True)
    tag_all(batch[:50])  # build and cache the taggers before timing
    one, base, two, peaks = [], [], [], []
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        pool.map(warm, range(2))
        for number in range(args.rounds):
            base.append(len(batch) / encode_all(batch))
            seconds, _ = tag_all(batch)
            one.append(len(batch) / seconds)
            rate, peak = two_process_rate(batch, pool)
            two.append(rate)
            peaks.append(peak)
            print(f"round {number + 1}: encode-only {base[-1]:,.0f}/s, tag 1 process "
                  f"{one[-1]:,.0f}/s, tag 2 processes {two[-1]:,.0f}/s", flush=True)
    figures = {
        "responses_per_s_2proc": round(statistics.median(two)),
        "responses_per_s_1proc": round(statistics.median(one)),
        "encode_only_per_s": round(statistics.median(base)),
        "ratio_to_encode": round(statistics.median(one) / statistics.median(base), 3),
        "load_s": round(statistics.median(loads), 2),
        "peak_rss_mb": round(max(peaks) / 1024),
        **{k: round(v, 3) for k, v in dev_figures().items()},
    }
    print(json.dumps(figures, indent=1))
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
