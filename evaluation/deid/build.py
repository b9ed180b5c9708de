"""Turn the marked-up sources in deid/src/ into JSON Lines with character spans."""

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portal.domain.deidentify import valid_hetu, valid_nhs_number  # noqa: E402

HERE = Path(__file__).resolve().parent
TYPES = ("name", "email", "phone", "nhs", "hetu", "postcode", "address", "dob")
ROLES = ("patient", "therapist", "manager", "vendor")
MARK = re.compile(r"\{(\w+):([^{}]+)\}")


def parse(line: str) -> tuple[str, list[dict]]:
    """Return the plain text of one marked-up line and its labelled spans."""
    text, spans, last = [], [], 0
    length = 0
    for match in MARK.finditer(line):
        kind, value = match.groups()
        if kind not in TYPES:
            raise ValueError(f"unknown type {kind!r} in {line!r}")
        text.append(line[last:match.start()])
        length += match.start() - last
        spans.append({"start": length, "end": length + len(value), "type": kind, "text": value})
        text.append(value)
        length += len(value)
        last = match.end()
    text.append(line[last:])
    plain = "".join(text)
    if "{" in plain or "}" in plain:
        raise ValueError(f"unbalanced mark-up in {line!r}")
    return plain, spans


def check(span: dict) -> None:
    """Refuse a labelled NHS number or identity code whose check digit is wrong."""
    if span["type"] == "nhs" and not valid_nhs_number(re.sub(r"\D", "", span["text"])):
        raise ValueError(f"invalid NHS number labelled: {span['text']}")
    if span["type"] == "hetu" and not valid_hetu(span["text"]):
        raise ValueError(f"invalid identity code labelled: {span['text']}")


def build(split: str) -> int:
    """Write deid/<split>.jsonl from deid/src/<split>.txt; return the number of items."""
    items = []
    for raw in (HERE / "src" / f"{split}.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        role, _, marked = raw.partition(" | ")
        if role not in ROLES:
            raise ValueError(f"unknown role in {raw!r}")
        text, spans = parse(marked.strip())
        for span in spans:
            check(span)
        items.append({"id": f"{split}-{len(items) + 1:03d}", "role": role, "text": text,
                      "spans": spans})
    with open(HERE / f"{split}.jsonl", "w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
    return len(items)


if __name__ == "__main__":
    for name in sys.argv[1:] or ("dev", "test", "test2"):
        print(name, build(name))
