"""What one response adds to the dashboard rollups: pure functions, no database.

A response's themes contribute, per codebook version, one count per key; the response is one
respondent of every key it has. Keys are (kind, a, b):

- ("theme", theme, polarity) and ("theme", theme, "*"): tag mentions;
- ("pair", theme_a, theme_b) with theme_a < theme_b: answers carrying both;
- ("node", node, ""): answers carrying any theme at or beneath a node of the coding structure;
- ("domain", cfir_domain, "barrier" | "facilitator" | "*") and ("construct", cfir_construct,
  ...): barrier and facilitator mentions under a CFIR domain or construct ("*": both);
- ("polar", "barrier" | "facilitator" | "*", ""): the same pooled over all themes.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

ANY = "*"
POLAR = ("barrier", "facilitator")
Key = tuple[str, str, str]


@dataclass(frozen=True)
class Structure:
    """What keys need of a codebook version: each theme's ancestors and CFIR placement."""

    ancestors: Mapping[str, tuple[str, ...]]
    domain: Mapping[str, str]
    construct: Mapping[str, str]

    @classmethod
    def of(cls, definition: dict) -> "Structure":
        """Read a version's definition (themes, and nodes above them)."""
        parents = {entry["id"]: entry.get("parent") or ""
                   for entry in [*definition.get("nodes", []), *definition["themes"]]}
        ancestors = {}
        for theme in definition["themes"]:
            chain, node = [], parents.get(theme["id"], "")
            while node in parents and node not in chain:
                chain.append(node)
                node = parents[node]
            ancestors[theme["id"]] = tuple(chain)
        themes = definition["themes"]
        return cls(ancestors,
                   {t["id"]: t["cfir_domain"] for t in themes if t.get("cfir_domain")},
                   {t["id"]: t["cfir_construct"] for t in themes if t.get("cfir_construct")})


def theme_keys(structure: Structure,
               tags: Iterable[tuple[int, str, str | None]]) -> Counter[Key]:
    """One response's keys from its effective tags (answer_id, theme, polarity)."""
    found: Counter[Key] = Counter()
    by_answer: dict[int, set[str]] = {}
    for answer_id, theme, polarity in tags:
        by_answer.setdefault(answer_id, set()).add(theme)
        found["theme", theme, ANY] += 1
        if polarity:
            found["theme", theme, polarity] += 1
        if polarity in POLAR:
            found["polar", polarity, ""] += 1
            found["polar", ANY, ""] += 1
            for kind, places in (("domain", structure.domain),
                                 ("construct", structure.construct)):
                if theme in places:
                    found[kind, places[theme], polarity] += 1
                    found[kind, places[theme], ANY] += 1
    for themes in by_answer.values():
        for a, b in combinations(sorted(themes), 2):
            found["pair", a, b] += 1
        nodes = set(themes)
        for theme in themes:
            nodes.update(structure.ancestors.get(theme, ()))
        for node in nodes:
            found["node", node, ""] += 1
    return found


def score_keys(constructs: Mapping[str, Mapping[str, str]], overall: Iterable[str],
               answers: Iterable[tuple[str, object]]) -> dict[str, float]:
    """One response's questionnaire scores: "block:construct" → the mean of the items of
    that construct the respondent answered with a number (and "block:overall" for blocks in
    `overall`, over all of the block's items)."""
    values: dict[str, list[int]] = {}
    for item_id, value in answers:
        if not isinstance(value, int) or isinstance(value, bool):
            continue  # "not relevant" and other text answers never enter a mean
        for block, items in constructs.items():
            if item_id in items:
                values.setdefault(f"{block}:{items[item_id]}", []).append(value)
                if block in overall:
                    values.setdefault(f"{block}:overall", []).append(value)
    return {key: sum(found) / len(found) for key, found in values.items()}
