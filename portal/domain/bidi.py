"""Bidirectional-text controls in user text: isolated where shown, stripped from file names.

A right-to-left override (U+202E) in an answer or a request title would otherwise reverse
the text that follows it on the page or in an e-mail subject ("Status: nepo" or a file name
that reads as .pdf but ends in .exe). Wrapping such text in a first-strong isolate
(U+2068 ... U+2069) confines every embedding, override and isolate it opens to itself
(Unicode Bidirectional Algorithm, UAX #9, rules X5c and X6a); the characters themselves
are kept, so nothing the person wrote is lost. Text without bidi controls is left as it is.
"""

import re
import unicodedata

EMBEDDINGS = "\u202a\u202b\u202c\u202d\u202e"  # LRE RLE PDF LRO RLO
ISOLATE_OPENERS = "\u2066\u2067\u2068"  # LRI RLI FSI
POP_ISOLATE = "\u2069"  # PDI
MARKS = "\u200e\u200f\u061c"  # LRM RLM ALM
CONTROLS = EMBEDDINGS + ISOLATE_OPENERS + POP_ISOLATE + MARKS
FIRST_STRONG_ISOLATE = "\u2068"
_HAS_CONTROL = re.compile(f"[{EMBEDDINGS}{ISOLATE_OPENERS}{POP_ISOLATE}]")
_NAME_UNSAFE = re.compile(r'[\\/:*?"<>|;]+')


def has_controls(text: str) -> bool:
    """True when the text holds an embedding, override or isolate control."""
    return bool(_HAS_CONTROL.search(text))


def isolate(text: str) -> str:
    """The text wrapped in an isolate of its own when it holds bidi controls, else unchanged.

    A stray U+2069 in the text would close the wrapper early, so unmatched ones are dropped;
    isolates the text leaves open are closed before the wrapper closes.
    """
    if not has_controls(text):
        return text
    kept, depth = [], 0
    for char in text:
        if char in ISOLATE_OPENERS:
            depth += 1
        elif char == POP_ISOLATE:
            if depth == 0:
                continue
            depth -= 1
        kept.append(char)
    return FIRST_STRONG_ISOLATE + "".join(kept) + POP_ISOLATE * (depth + 1)


def clean_filename(name: str, fallback: str = "download") -> str:
    """A file name without bidi or other control characters, path separators or quotes."""
    visible = "".join(c for c in name
                      if c not in CONTROLS and unicodedata.category(c)[0] != "C")
    cleaned = _NAME_UNSAFE.sub("-", visible).strip(" .-")
    return cleaned[:150] or fallback
