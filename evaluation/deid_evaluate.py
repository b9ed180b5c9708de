"""Measure portal.domain.deidentify on a labelled split: recall and precision per type.

Usage: python evaluation/deid_evaluate.py [evaluation/deid/test.jsonl] [--errors]

Definitions (span level, on the original text):
- The masked output is aligned back to the input: every placeholder stands for one non-empty
  stretch of the original, found by matching the text around placeholders literally.
- A labelled identifier is *found* when every letter and digit in its span lies inside some
  masked stretch, whatever the placeholder says: a vendor can no longer read any of it.
  Recall per type = found / labelled. ("typed" counts those masked by a placeholder of their
  own type; it is reported, not scored.)
- A placeholder is *correct* when its masked stretch overlaps at least one labelled
  identifier of any type; otherwise it hid text that was not an identifier.
  Precision per type = correct placeholders of that type / placeholders of that type.
The last line prints key=value pairs for scripts.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.domain.deidentify import deidentify  # noqa: E402

PLACEHOLDERS = {"[name]": "name", "[email]": "email", "[phone]": "phone",
                "[NHS number]": "nhs", "[personal identity code]": "hetu",
                "[postcode]": "postcode", "[address]": "address", "[date of birth]": "dob"}
TYPES = ("name", "email", "phone", "nhs", "hetu", "postcode", "address", "dob")
STRUCTURED = tuple(t for t in TYPES if t != "name")
TEST_SPLIT = Path(__file__).parent / "deid" / "test.jsonl"
PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))


def masked_stretches(original: str, masked: str) -> list[tuple[int, int, str]]:
    """Return (start, end, type) in the original for each placeholder in the masked text."""
    parts, kinds, last = [], [], 0
    for match in PLACEHOLDER_RE.finditer(masked):
        parts.append(re.escape(masked[last:match.start()]))
        parts.append("(.+?)")
        kinds.append(PLACEHOLDERS[match.group(0)])
        last = match.end()
    parts.append(re.escape(masked[last:]))
    aligned = re.fullmatch("".join(parts), original, re.S)
    if aligned is None:
        raise ValueError(f"output does not align with input:\n  {original}\n  {masked}")
    return [(aligned.start(i + 1), aligned.end(i + 1), kind) for i, kind in enumerate(kinds)]


def covered(span: dict, stretches: list[tuple[int, int, str]], original: str) -> bool:
    """True when no letter or digit of the span is left outside the masked stretches."""
    return all(any(s <= i < e for s, e, _ in stretches)
               for i in range(span["start"], span["end"]) if original[i].isalnum())


def evaluate(path: Path) -> tuple[dict, list[str]]:
    """Score every item in a split; return the counts and a list of readable errors."""
    counts = {k: Counter() for k in TYPES}
    errors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        text, spans = item["text"], item["spans"]
        output = deidentify(text)
        stretches = masked_stretches(text, output)
        for span in spans:
            kind = span["type"]
            counts[kind]["labelled"] += 1
            if covered(span, stretches, text):
                counts[kind]["found"] += 1
                counts[kind]["typed"] += any(
                    k == kind and s < span["end"] and span["start"] < e for s, e, k in stretches)
            else:
                errors.append(f"MISS {kind:8} {span['text']!r} | {output}")
        for start, end, kind in stretches:
            counts[kind]["placed"] += 1
            if any(s["start"] < end and start < s["end"] for s in spans):
                counts[kind]["correct"] += 1
            else:
                errors.append(f"FP   {kind:8} {text[start:end]!r} | {text}")
    return counts, errors


def ratio(top: int, bottom: int) -> float | None:
    """top / bottom, or None when there is nothing to divide."""
    return round(top / bottom, 3) if bottom else None


def report(counts: dict) -> dict[str, float | None]:
    """Print the per-type table and return the headline figures."""
    print(f"{'type':10} {'labelled':>8} {'found':>6} {'typed':>6} {'recall':>7} "
          f"{'placed':>7} {'correct':>8} {'precision':>9}")
    figures = {}
    for kind in TYPES:
        c = counts[kind]
        rec, prec = ratio(c["found"], c["labelled"]), ratio(c["correct"], c["placed"])
        figures[f"recall_{kind}"], figures[f"precision_{kind}"] = rec, prec
        print(f"{kind:10} {c['labelled']:8} {c['found']:6} {c['typed']:6} {rec!s:>7} "
              f"{c['placed']:7} {c['correct']:8} {prec!s:>9}")
    total = {k: sum(counts[t][k] for t in STRUCTURED) for k in ("found", "labelled")}
    figures["recall_structured"] = ratio(total["found"], total["labelled"])
    figures["recall_all"] = ratio(sum(counts[t]["found"] for t in TYPES),
                                  sum(counts[t]["labelled"] for t in TYPES))
    figures["precision_all"] = ratio(sum(counts[t]["correct"] for t in TYPES),
                                     sum(counts[t]["placed"] for t in TYPES))
    return figures


def main(argv: list[str]) -> None:
    """Evaluate the split named on the command line (the dev split by default)."""
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else Path(__file__).parent / "deid" / "dev.jsonl"
    counts, errors = evaluate(path)
    if "--errors" in argv:
        print("\n".join(errors))
    figures = report(counts)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
