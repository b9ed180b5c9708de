"""Shapes for the coding templates: themes grouped under their nodes, highlighted text."""

from collections.abc import Iterable
from dataclasses import dataclass

from portal.models import Tag

EXCERPT = 120


@dataclass(frozen=True)
class ThemeGroup:
    """A grouping node (or none, for top-level themes) with the themes under it."""

    node_id: str
    label: str
    themes: list[dict]


@dataclass(frozen=True)
class Segment:
    """A run of answer text, with the themes whose evidence covers it (none: plain text)."""

    text: str
    themes: tuple[str, ...] = ()


def theme_groups(definition: dict) -> list[ThemeGroup]:
    """Every taggable theme under its parent node, in codebook order; orphans come last."""
    nodes = {node["id"]: node for node in definition.get("nodes", [])}
    under: dict[str, list[dict]] = {}
    for theme in definition["themes"]:
        parent = theme.get("parent", "")
        under.setdefault(parent if parent in nodes else "", []).append(theme)
    groups = [ThemeGroup(node_id, _path(nodes, node_id), under[node_id])
              for node_id in nodes if node_id in under]
    if "" in under:
        groups.append(ThemeGroup("", "Other themes" if groups else "Themes", under[""]))
    return groups


def _path(nodes: dict[str, dict], node_id: str) -> str:
    """A node's label, after its ancestors' labels when nodes are nested."""
    names, seen = [], set()
    while node_id in nodes and node_id not in seen:
        seen.add(node_id)
        names.append(nodes[node_id]["label"])
        node_id = nodes[node_id].get("parent", "")
    return " › ".join(reversed(names))


def segments(text: str, tags: Iterable[Tag], names: dict[str, str]) -> list[Segment]:
    """Cut the text where evidence passages start and end; the template escapes each run."""
    spans = [(t.span_start, t.span_end, names.get(t.theme, t.theme)) for t in tags
             if t.span_start is not None and t.span_end is not None
             and 0 <= t.span_start < t.span_end <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    found = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = tuple(dict.fromkeys(n for s, e, n in spans if s <= start and end <= e))
        found.append(Segment(text[start:end], covering))
    return found or [Segment(text)]


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The start of an answer, cut at a word where possible."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut + "…"

