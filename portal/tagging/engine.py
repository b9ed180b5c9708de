"""The automatic thematic tagger: codebook-trained classifiers over static sentence embeddings.

Each response is scored as a whole and clause by clause (segments.py). For every clause the
score of a theme combines a one-vs-rest logistic regression trained on the codebook's own
examples, notes and keywords (classifier.py, corpus.py), a keyword boost (keywords.py), how close
the clause comes to the theme's nearest phrasing in respondents' words (exemplars.py) and a
memory of reviewers' corrections. A response's theme score is that of its best clause, or of
the whole text where that scores higher.
"""

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from portal.tagging import classifier, corpus, shipped
from portal.tagging.embedding import encode, load_model
from portal.tagging.exemplars import ExemplarIndex
from portal.tagging.keywords import KeywordIndex
from portal.tagging.segments import split

__all__ = ["ENGINE_NAME", "ENGINE_VERSION", "Correction", "Mention", "Result", "Tagger",
           "load_model"]

ENGINE_NAME = "uptake-static"
ENGINE_VERSION = "1.1"
STATE_FORMAT = 1

# Hyper-parameters, chosen on evaluation/devset/dev.jsonl only (never on test.jsonl).
KEYWORD_BOOST = 1.5  # logit added when one of the theme's keywords occurs in the clause
# Logit added per unit of cosine above EXEMPLAR_CENTRE with the theme's closest exemplar.
# Both chosen by leave-one-voice-out on the phrase bank together with dev (evaluation/README.md).
EXEMPLAR_WEIGHT = 5.0
EXEMPLAR_CENTRE = 0.7
TOP_FLOOR = 0.1  # the best theme is applied only above this score
OTHER_FLOOR = 0.3  # further themes need this score ...
OTHER_RATIO = 0.5  # ... and this fraction of the top score
# A clause's own best theme is a mention of its own even when another clause scores higher
# ("the training was good but there is no time to use it" is training and time).
CLAUSE_FLOOR = 0.3
MAX_THEMES = 3
MEMORY_THRESHOLD = 0.8  # cosine above which a corrected text counts as "the same passage"
MEMORY_WEIGHT = 6.0  # logit swing of an exact repeat of a corrected text


@dataclass(frozen=True)
class Mention:
    """One theme found in one passage: its score, polarity and span [start, end) in the text."""

    theme: str
    score: float
    polarity: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Result:
    """The coding of one response against one codebook."""

    themes: list[str]
    scores: dict[str, float]
    polarity: str | None
    mentions: list[Mention]


@dataclass(frozen=True)
class Correction:
    """A reviewer's decision that a theme does or does not apply to a text."""

    text: str
    theme: str
    applies: bool


def _polarity_function() -> Callable[[str, np.ndarray | None], tuple[str, float]]:
    """The polarity method, imported on first use so codebooks without polarity skip it."""
    from portal.tagging.lean import polarity

    return polarity


def definition_hash(definition: dict) -> str:
    """Stable short hash of a codebook definition's content."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:10]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-x))


class Tagger:
    """Tags responses with the themes of one codebook."""

    name = ENGINE_NAME

    def __init__(self, definition: dict, model: classifier.LinearModel,
                 memory: dict[str, np.ndarray], revision: int = 0,
                 exemplars: ExemplarIndex | None = None):
        """Assemble from a definition, fitted weights and a correction memory; use the factories."""
        self.definition = definition
        self.theme_ids = [theme["id"] for theme in definition["themes"]]
        self.polarity_enabled = bool(definition.get("polarity", False))
        self.revision = revision
        self.version = f"{ENGINE_VERSION}+{definition_hash(definition)[:8]}.r{revision}"
        self._model = model
        self._memory = memory
        self._keywords = KeywordIndex([t.get("keywords", []) for t in definition["themes"]])
        if exemplars is None:
            exemplars = ExemplarIndex(*corpus.exemplars(definition), len(self.theme_ids),
                                      floor=EXEMPLAR_CENTRE)
        self._exemplars = exemplars

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def for_definition(cls, definition: dict, corrections: Sequence[Correction] = (),
                       revision: int = 0) -> "Tagger":
        """Train on the codebook (and corrections); a default tagger uses shipped weights when
        they were trained on exactly this codebook, and is cached."""
        key = definition_hash(definition)
        if not corrections and revision == 0:
            with _cache_lock:
                cached = _default_cache.get(key)
            if cached is not None:
                return cached
        state = shipped.state_for(definition) if not corrections and revision == 0 else None
        # Fitting the shipped codebooks takes seconds on a loaded machine; their weights ship.
        tagger = cls.from_state(definition, state) if state else \
            cls._train(definition, corrections, revision)
        if not corrections and revision == 0:
            with _cache_lock:
                _default_cache[key] = tagger
        return tagger

    @classmethod
    def _train(cls, definition: dict, corrections: Sequence[Correction], revision: int,
               without_voice: str | None = None,
               negatives: Sequence[str] | None = None) -> "Tagger":
        """Fit the per-theme classifiers on codebook sentences plus corrections.

        without_voice and negatives are for checks: a phrase-bank voice left out of training
        and exemplars, and other no-theme sentences than corpus.py's.
        """
        ids = [theme["id"] for theme in definition["themes"]]
        index = {theme_id: i for i, theme_id in enumerate(ids)}
        texts, labels = corpus.training_set(definition, without_voice, negatives)
        n_base = len(texts)
        usable = [c for c in corrections if c.theme in index and c.text.strip()]
        vectors = encode(texts + [c.text for c in usable])
        targets = np.zeros((len(vectors), len(ids)), dtype=np.float32)
        weights = np.ones_like(targets)
        themed = np.flatnonzero(np.asarray(labels) != corpus.NO_THEME)
        targets[themed, np.asarray(labels)[themed]] = 1.0
        for row, correction in enumerate(usable, start=n_base):
            # A correction speaks only to its own theme: other themes ignore the sample.
            weights[row] = 0.0
            weights[row, index[correction.theme]] = classifier.CORRECTION_WEIGHT
            targets[row, index[correction.theme]] = float(correction.applies)
        model = classifier.fit(vectors, targets, weights)
        memory = {
            "vectors": vectors[n_base:],
            "themes": np.array([index[c.theme] for c in usable], dtype=np.int64),
            "applies": np.array([c.applies for c in usable], dtype=bool),
        }
        exemplars = ExemplarIndex(*corpus.exemplars(definition, without_voice), len(ids),
                                  floor=EXEMPLAR_CENTRE)
        return cls(definition, model, memory, revision, exemplars)

    def to_state(self) -> dict:
        """Learned parameters as plain JSON types, for storing a retrained tagger."""
        return {
            "format": STATE_FORMAT,
            "engine": ENGINE_NAME,
            "engine_version": ENGINE_VERSION,
            "definition_hash": definition_hash(self.definition),
            "revision": self.revision,
            "themes": list(self.theme_ids),
            "weights": self._model.weights.tolist(),
            "bias": self._model.bias.tolist(),
            "memory": {
                "vectors": self._memory["vectors"].tolist(),
                "themes": [self.theme_ids[i] for i in self._memory["themes"]],
                "applies": [bool(a) for a in self._memory["applies"]],
            },
        }

    @classmethod
    def from_state(cls, definition: dict, state: dict) -> "Tagger":
        """Rebuild a tagger saved with to_state; the codebook's theme ids must be unchanged."""
        ids = [theme["id"] for theme in definition["themes"]]
        if state.get("format") != STATE_FORMAT or state.get("themes") != ids:
            raise ValueError("tagger state does not match this codebook's themes")
        dims = load_model().dim
        model = classifier.LinearModel(
            weights=np.asarray(state["weights"], dtype=np.float32).reshape(len(ids), dims),
            bias=np.asarray(state["bias"], dtype=np.float32),
        )
        saved = state.get("memory", {})
        index = {theme_id: i for i, theme_id in enumerate(ids)}
        memory = {
            "vectors": np.asarray(saved.get("vectors", []), dtype=np.float32).reshape(-1, dims),
            "themes": np.array([index[t] for t in saved.get("themes", [])], dtype=np.int64),
            "applies": np.array(saved.get("applies", []), dtype=bool),
        }
        return cls(definition, model, memory, int(state.get("revision", 0)))

    # -- tagging ----------------------------------------------------------------------------

    def unit_logits(self, units: Sequence[str]) -> np.ndarray:
        """Theme logits (units x themes) for passages, before pooling over a response."""
        vectors = encode(units)
        logits = self._model.logits(vectors) + KEYWORD_BOOST * self._keywords.hits(units)
        if self._exemplars:
            logits += EXEMPLAR_WEIGHT * (self._exemplars.closeness(vectors) - EXEMPLAR_CENTRE)
        if len(self._memory["themes"]):
            logits += self._memory_boost(vectors)
        return logits

    def _memory_boost(self, vectors: np.ndarray) -> np.ndarray:
        """Push a theme up or down for passages that repeat a corrected text."""
        closeness = vectors @ self._memory["vectors"].T
        strength = np.clip((closeness - MEMORY_THRESHOLD) / (1.0 - MEMORY_THRESHOLD), 0.0, 1.0)
        signs = np.zeros((len(self._memory["themes"]), len(self.theme_ids)), dtype=np.float32)
        signs[np.arange(len(signs)), self._memory["themes"]] = np.where(
            self._memory["applies"], 1.0, -1.0)
        return MEMORY_WEIGHT * np.clip(strength @ signs, -1.0, 1.0)

    def tag(self, texts: Sequence[str],
            roles: Sequence[str | None] | None = None) -> list[Result]:
        """Code each text; roles (one per text, or None) name the respondent's group.

        Roles are checked but do not change the scores yet: the codebooks' examples carry no
        role, so there is nothing role-specific to learn from until corrections accumulate.
        """
        if roles is not None and len(roles) != len(texts):
            raise ValueError("roles must give one role per text")
        units: list[str] = []
        spans: list[tuple[int, int]] = []
        owners: list[int] = []
        for number, text in enumerate(texts):
            segments = split(text or "")
            if not segments:
                continue
            whole = (segments[0].start, segments[-1].end)
            units.append(text[whole[0]:whole[1]])
            spans.append(whole)
            owners.append(number)
            if len(segments) > 1:
                for segment in segments:
                    units.append(segment.text)
                    spans.append((segment.start, segment.end))
                    owners.append(number)
        scores = _sigmoid(self.unit_logits(units)) if units else None
        # Already encoded for the themes (a cache hit): polarity reuses them.
        vectors = encode(units) if units else None
        counts = np.bincount(np.asarray(owners, dtype=np.int64), minlength=len(texts))
        results, first = [], 0
        for text, count in zip(texts, counts.tolist(), strict=True):
            if count == 0:
                results.append(self._empty())
                continue
            block = scores[first:first + count]
            results.append(self._result(text, block, spans[first:first + count],
                                        vectors[first:first + count]))
            first += count
        return results

    def _empty(self) -> Result:
        """The result for a blank response."""
        return Result(themes=[], scores=dict.fromkeys(self.theme_ids, 0.0),
                      polarity="neutral" if self.polarity_enabled else None, mentions=[])

    def _result(self, text: str, block: np.ndarray, spans: list[tuple[int, int]],
                vectors: np.ndarray) -> Result:
        """Pool a response's passage scores and choose its themes and evidence."""
        best = block.max(axis=0)
        order = np.argsort(-best, kind="stable")
        applied: list[int] = []
        top = float(best[order[0]])
        if top >= TOP_FLOOR:
            applied.append(int(order[0]))
            for k in order[1:MAX_THEMES]:
                if best[k] >= OTHER_FLOOR and best[k] >= OTHER_RATIO * top:
                    applied.append(int(k))
            if len(block) > 1:
                winners = {int(k) for k in block[1:].argmax(axis=1)
                           if block[1:, k].max() >= CLAUSE_FLOOR}
                for k in order:
                    if len(applied) >= MAX_THEMES:
                        break
                    if int(k) in winners and int(k) not in applied:
                        applied.append(int(k))
        polarity_of = _polarity_function() if self.polarity_enabled else None
        mentions = []
        for k in applied:
            # Point at the clause that carries the theme; the whole text only if it is one clause.
            rows = block[1:, k] if len(block) > 1 else block[:, k]
            row = int(rows.argmax()) + (1 if len(block) > 1 else 0)
            start, end = spans[row]
            polarity = polarity_of(text[start:end], vectors[row])[0] if polarity_of else None
            mentions.append(Mention(self.theme_ids[k], round(float(block[row, k]), 4), polarity,
                                    start, end))
        return Result(
            themes=[self.theme_ids[k] for k in applied],
            scores={t: round(float(s), 4) for t, s in zip(self.theme_ids, best, strict=True)},
            polarity=polarity_of(text, vectors[0])[0] if polarity_of else None,
            mentions=mentions,
        )


_cache_lock = threading.Lock()
_default_cache: dict[str, Tagger] = {}
