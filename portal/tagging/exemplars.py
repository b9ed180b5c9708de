"""How close a passage comes to a theme's nearest respondent-voice phrasing (cosine)."""

import threading
from collections.abc import Sequence

import numpy as np

from portal.tagging.embedding import encode

CHUNK = 1024  # passages compared at a time, so a large batch never holds passages x exemplars


class ExemplarIndex:
    """Per theme, the best cosine between a passage and that theme's exemplar sentences."""

    def __init__(self, texts: Sequence[str], labels: Sequence[int], n_themes: int,
                 floor: float = 0.0):
        """Index exemplar texts by theme; floor is the closeness of a theme with none."""
        order = np.argsort(np.asarray(labels, dtype=np.int64), kind="stable")
        self._texts = [texts[i] for i in order]
        sorted_labels = np.asarray(labels, dtype=np.int64)[order]
        self._themes, self._starts = np.unique(sorted_labels, return_index=True)
        self.n_themes = n_themes
        self.floor = floor
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        """True when there is anything to compare with."""
        return bool(self._texts)

    def _encoded(self) -> np.ndarray:
        """The exemplars' vectors, encoded on first use so loading a tagger stays cheap."""
        if self._vectors is None:
            with self._lock:
                if self._vectors is None:
                    self._vectors = encode(self._texts)
        return self._vectors

    def closeness(self, vectors: np.ndarray) -> np.ndarray:
        """Matrix (passages x themes) of the best cosine with each theme's exemplars."""
        out = np.full((len(vectors), self.n_themes), self.floor, dtype=np.float32)
        if not self._texts:
            return out
        exemplars = self._encoded().T
        for start in range(0, len(vectors), CHUNK):
            similarity = vectors[start:start + CHUNK] @ exemplars
            out[start:start + CHUNK, self._themes] = np.maximum.reduceat(
                similarity, self._starts, axis=1)
        return out
