"""Codebook keywords matched as whole words, case-insensitively, in one regex pass."""

import re
from collections.abc import Sequence

import numpy as np

# Curly quotes and dashes in pasted answers would otherwise miss "didn't" or "face-to-face".
_FOLD = str.maketrans({"’": "'", "‘": "'", "–": "-", "—": "-"})


def fold(text: str) -> str:
    """Lower-case text with typographic quotes and dashes made plain."""
    return text.translate(_FOLD).lower()


class KeywordIndex:
    """Finds which themes' keywords occur in a text."""

    def __init__(self, keywords: Sequence[Sequence[str]]):
        """Build from one keyword list per theme, in theme order."""
        self.size = len(keywords)
        self._theme_of: dict[str, int] = {}
        for index, words in enumerate(keywords):
            for word in words:
                self._theme_of.setdefault(fold(word).strip(), index)
        # Longest first, so a longer phrase wins over a shorter keyword of a neighbouring theme.
        phrases = sorted((p for p in self._theme_of if p), key=len, reverse=True)
        body = "|".join(re.escape(p) for p in phrases) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    def hits(self, texts: Sequence[str]) -> np.ndarray:
        """Matrix (texts x themes): 1.0 where a theme's keyword occurs in the text."""
        found = np.zeros((len(texts), self.size), dtype=np.float32)
        for row, text in enumerate(texts):
            for match in self._pattern.finditer(fold(text)):
                found[row, self._theme_of[match.group(0)]] = 1.0
        return found
