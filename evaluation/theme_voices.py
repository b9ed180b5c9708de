"""Leave-one-voice-out on the phrase bank: how theme tagging does on a voice it never saw.

For each stakeholder voice of the icbt-implementation bank, a tagger is trained on the
codebook and the other three voices (its exemplars too) and codes the held-out voice's
phrasings as answers:

- single:  each phrasing alone (its theme is the gold label);
- pair:    two phrasings of different themes joined as one answer (both themes are gold);
- context: each phrasing beside a no-theme sentence, plus the no-theme sentences alone
           (gold: nothing). The no-theme sentences are split in two: the tagger trains on
           one half as negatives and the context uses the other half.

It reports top-1 on singles, micro P/R/F1 on singles and pairs together, micro-F1 in
context, and the share of lone no-theme sentences given a theme. No evaluation item is read.
--no-exemplars and --no-negatives switch those parts off, to compare. The last line is
key=value means over the four voices.

    .venv/bin/python evaluation/theme_voices.py [--no-exemplars] [--no-negatives]
"""

import argparse
import random
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluation.evaluate import micro_f1  # noqa: E402
from portal.tagging import engine, no_theme  # noqa: E402
from portal.tagging.engine import Tagger  # noqa: E402
from portal.tagging.phrase_bank import phrases  # noqa: E402

CODEBOOK = "icbt-implementation"
PAIRS = 150  # per voice
JOINS = (". ", ", and ", " but ", ". Also, ")
SEED = 20240611
COLUMNS = ("top1", "P", "R", "F1", "context_F1", "filler_themed")


def made_answers(voice: str, context: tuple[str, ...],
                 themes: set[str]) -> dict[str, list[tuple[str, list[str]]]]:
    """The held-out voice's phrasings as single, paired and in-context answers with gold."""
    # The patient file also holds the patient codebooks' themes; only this codebook's count.
    mine = [(theme, text) for theme, _, group, text in phrases(CODEBOOK)
            if group == voice and theme in themes]
    rng = random.Random(f"{SEED}-{voice}")
    pairs = []
    while len(pairs) < PAIRS:
        (a, first), (b, second) = rng.sample(mine, 2)
        if a == b:
            continue
        join = rng.choice(JOINS)
        if join in (", and ", " but "):
            second = second[0].lower() + second[1:]
        pairs.append((first.rstrip(".") + join + second, [a, b]))
    in_context = []
    for theme, text in mine:
        sentence = text.rstrip(".") + "."
        filler = rng.choice(context)
        joined = f"{filler} {sentence}" if rng.random() < 0.5 else f"{sentence} {filler}"
        in_context.append((joined, [theme]))
    in_context += [(filler, []) for filler in context]
    return {"single": [(text, [theme]) for theme, text in mine], "pair": pairs,
            "context": in_context}


def main() -> None:
    """Print per-voice figures, then key=value means."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-exemplars", action="store_true")
    parser.add_argument("--no-negatives", action="store_true")
    args = parser.parse_args()
    if args.no_exemplars:
        engine.EXEMPLAR_WEIGHT = 0.0
    with (ROOT / "surveys" / "codebooks" / f"{CODEBOOK}.toml").open("rb") as handle:
        definition = tomllib.load(handle)
    trained_on, context = no_theme.SENTENCES[0::2], no_theme.SENTENCES[1::2]
    rows = []
    print(f"{'voice':16}" + "".join(f" {c:>13}" for c in COLUMNS))
    for voice in sorted({group for _, _, group, _ in phrases(CODEBOOK)}):
        tagger = Tagger._train(definition, (), 0, without_voice=voice,
                               negatives=() if args.no_negatives else trained_on)
        answers = made_answers(voice, context, set(tagger.theme_ids))
        coded = {kind: tagger.tag([text for text, _ in items])
                 for kind, items in answers.items()}
        gold = {kind: [themes for _, themes in items] for kind, items in answers.items()}
        top1 = np.mean([max(r.scores, key=r.scores.get) == g[0]
                        for r, g in zip(coded["single"], gold["single"], strict=True)])
        precision, recall, f1 = micro_f1(
            [r.themes for r in coded["single"] + coded["pair"]], gold["single"] + gold["pair"])
        context_f1 = micro_f1([r.themes for r in coded["context"]], gold["context"])[2]
        filler_themed = np.mean([bool(r.themes) for r, g in
                                 zip(coded["context"], gold["context"], strict=True) if not g])
        rows.append((top1, precision, recall, f1, context_f1, filler_themed))
        print(f"{voice:16}" + "".join(f" {v:13.3f}" for v in rows[-1]))
    means = np.mean(rows, axis=0)
    print(" ".join(f"{name}={value:.3f}" for name, value in zip(COLUMNS, means, strict=True)))


if __name__ == "__main__":
    main()
