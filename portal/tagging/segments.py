"""Split a response into clauses with character offsets into the original text."""

import re
from dataclasses import dataclass

# Clauses end at sentence punctuation, semicolons, dashes used as breaks and line breaks;
# the punctuation stays with the clause it closes.
_HARD_BREAK = re.compile(r"(?<=[.!?;…])[\"')\]]*\s+|\s*\n+\s*|\s+[-–—]+\s+")
# A contrast connective starts a new clause, because the two sides often carry different
# themes or polarities ("the modules are good but I have no time"). "yet" and "though" only
# after a comma or as a clause opener, so "not yet" and "as though" stay whole.
_CONTRAST = re.compile(
    r"(?:,\s*|\s)(?=(?:but|however|although|whereas|except|apart from|even so|"
    r"on the other hand)\b)|,\s*(?=(?:yet|though|even though|while|whilst)\b)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w")
MIN_CHARS = 12  # shorter pieces ("but no.") carry no theme on their own; merge them


@dataclass(frozen=True)
class Segment:
    """One clause: its text and its span [start, end) in the original response."""

    text: str
    start: int
    end: int


def _pieces(text: str, pattern: re.Pattern[str], offset: int) -> list[tuple[int, int]]:
    """Spans of the parts of text between matches of pattern, shifted by offset."""
    spans, start = [], 0
    for match in pattern.finditer(text):
        if match.start() > start:
            spans.append((offset + start, offset + match.start()))
        start = max(start, match.end())
    if start < len(text):
        spans.append((offset + start, offset + len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split(text: str, min_chars: int = MIN_CHARS) -> list[Segment]:
    """Clauses of text in order; each segment's text equals text[start:end]."""
    spans: list[tuple[int, int]] = []
    for s_start, s_end in _pieces(text, _HARD_BREAK, 0):
        spans.extend(_pieces(text[s_start:s_end], _CONTRAST, s_start))
    spans = [_trim(text, a, b) for a, b in spans]
    spans = [(a, b) for a, b in spans if b > a and _WORD.search(text, a, b)]
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and (b - a < min_chars or merged[-1][1] - merged[-1][0] < min_chars):
            merged[-1] = (merged[-1][0], b)  # a fragment joins its neighbour
        else:
            merged.append((a, b))
    return [Segment(text[a:b], a, b) for a, b in merged]
