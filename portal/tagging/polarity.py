"""Barrier, facilitator or neutral: the polarity of a passage about implementing iCBT."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

LEXICON_PATH = Path(__file__).with_name("polarity_lexicon.toml")
BARRIER, FACILITATOR, NEUTRAL = "barrier", "facilitator", "neutral"

WINDOW = 4  # a negator reaches a cue up to three words on ("nobody from IT got back")
THRESHOLD = 0.3  # |score| below this is neutral
WISH = -1.5  # a wish or unreal past names a gap
FIXED = 1.5  # a problem reported as solved
MORE = 0.5  # "twice the referrals": more is good unless it is more of a problem
LACK = -1.0  # "nobody", "no", "never" that negate no cue still name a gap
NOT = -0.5  # a bare "not"/"didn't" is usually something failing to happen
NEG_OF_BAD = 0.75  # "no problems" is a milder facilitator than "worked well"
BEFORE_BUT, AFTER_BUT = 0.5, 1.5  # the clause after "but" carries the lean
CONCESSION = 0.5  # "though it looked dated": conceded, so it counts less
CONDITION = 0.5  # "if they haven't improved": supposed, not asserted
REQUEST = 0.3  # "could we have ...?" is a suggestion, coded neutral by convention
QUESTION = 0.5  # other questions mostly ask rather than judge
VADER = 1.0  # weight of VADER's general-English compound score per clause

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_DASH = re.compile(r"\s[-\u2013\u2014]+\s|[\u2013\u2014]")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.!?;:,]")
_TYPO_NT = re.compile(r"(do|does|did|is|was|were|are|could|would|should|have|has|had|ca|wo)nt")
_SENTENCE_END = frozenset(".!?;")
_SEGMENT_END = frozenset(",:")
_ADVERSATIVE = frozenset({"but", "however", "yet", "except", "whereas"})
_CONCESSIVE = frozenset({"though", "although", "despite"})
_CONDITIONAL = frozenset({"if", "unless", "whether"})


@dataclass(frozen=True, slots=True)
class _Entry:
    """One lexicon pattern: its words, signed weight and rule flags."""

    words: tuple[str, ...]
    weight: float
    flags: frozenset[str]


_BARE_NOT = _Entry(("not",), NOT, frozenset({"negator"}))


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """Patterns indexed by first word (exact, or prefix for a trailing '*')."""

    exact: dict[str, list[_Entry]]
    prefix: dict[str, list[_Entry]]
    prefix_lengths: tuple[int, ...]
    request: re.Pattern[str]


@cache
def _vader() -> SentimentIntensityAnalyzer:
    """VADER with this field's topic words (a condition, a risk theme) made neutral."""
    analyzer = SentimentIntensityAnalyzer()
    with LEXICON_PATH.open("rb") as handle:
        for word in tomllib.load(handle)["vader"]["mute"]:
            analyzer.lexicon.pop(word, None)
    return analyzer


@cache
def _lexicon() -> _Lexicon:
    """Load and index polarity_lexicon.toml once per process."""
    with LEXICON_PATH.open("rb") as handle:
        data = tomllib.load(handle)
    weights: dict[str, float] = {}
    flags: dict[str, set[str]] = {}
    for side, sign in (("barrier", -1.0), ("facilitator", 1.0)):
        for strength, patterns in data[side].items():
            for pattern in patterns:
                weights[pattern] = sign * data["weights"][strength]
    rule_weight = {
        "wish": WISH,
        "counterfactual": WISH,
        "fixed": FIXED,
        "lack": LACK,
        "increase": MORE,
    }
    for rule, patterns in data["rules"].items():
        for pattern in patterns:
            flags.setdefault(pattern, set()).add(rule)
            if rule in rule_weight:
                weights[pattern] = rule_weight[rule]
            elif rule == "failure":
                weights[pattern] = NOT
    exact: dict[str, list[_Entry]] = {}
    prefix: dict[str, list[_Entry]] = {}
    for pattern in weights.keys() | flags.keys():
        if pattern in data["rules"]["request"]:
            continue
        words = tuple(pattern.replace("-", " ").split())
        entry = _Entry(words, weights.get(pattern, 0.0), frozenset(flags.get(pattern, ())))
        head = words[0]
        index, key = (prefix, head[:-1]) if head.endswith("*") else (exact, head)
        index.setdefault(key, []).append(entry)
    openers = "|".join(re.escape(p) for p in sorted(data["rules"]["request"], key=len)[::-1])
    return _Lexicon(
        exact,
        prefix,
        tuple(sorted({len(k) for k in prefix}, reverse=True)),
        re.compile(rf"(?:{openers})\b"),
    )


def _tokens(text: str) -> list[str]:
    """Lower-cased words and clause punctuation, with 'dont'-style typos repaired."""
    text = _DASH.sub(" ; ", text.lower().translate(_APOSTROPHES))
    return [f"{t[:-2]}n't" if _TYPO_NT.fullmatch(t) else t for t in _TOKEN.findall(text)]


def _fits(pattern: tuple[str, ...], words: list[str], start: int) -> bool:
    """Whether pattern matches words from start ('_' any word, 'x*' any ending)."""
    if start + len(pattern) > len(words):
        return False
    for offset, part in enumerate(pattern):
        word = words[start + offset]
        if part == "_":
            continue
        if part.endswith("*"):
            if not word.startswith(part[:-1]):
                return False
        elif word != part:
            return False
    return True


def _match(lex: _Lexicon, words: list[str], start: int) -> _Entry | None:
    """The longest lexicon pattern that starts at words[start], if any."""
    word = words[start]
    candidates = lex.exact.get(word, [])
    for length in lex.prefix_lengths:
        if length <= len(word) and word[:length] in lex.prefix:
            candidates = [*candidates, *lex.prefix[word[:length]]]
    best = None
    for entry in candidates:
        if (best is None or len(entry.words) > len(best.words)) and _fits(
            entry.words, words, start
        ):
            best = entry
    if best is None and (word.endswith("n't") or word == "cannot"):
        return _BARE_NOT
    return best


def _segment(lex: _Lexicon, words: list[str]) -> tuple[float, float, set[str]]:
    """Positive and negative evidence in one clause, plus the rule flags it raised."""
    found: list[tuple[int, int, _Entry]] = []
    i = 0
    while i < len(words):
        entry = _match(lex, words, i)
        if entry is None:
            i += 1
            continue
        found.append((i, i + len(entry.words), entry))
        i += len(entry.words)
    values = [entry.weight for _, _, entry in found]
    used: set[int] = set()  # modifiers whose own weight is spent on a cue
    flags: set[str] = set()
    for k, (start, end, entry) in enumerate(found):
        if "neutral" in entry.flags or not entry.weight:
            flags |= entry.flags
            continue
        negator = entry.flags.isdisjoint({"negator", "lack"})
        negated = _negator_before(found, k) if negator else None
        if negated is not None:
            used.add(negated)
            values[k] = -entry.weight * (NEG_OF_BAD if entry.weight < 0 else 1.0)
            continue
        flags |= entry.flags
        if entry.weight < 0 and entry.flags.isdisjoint({"wish", "counterfactual", "lack"}):
            for j, (start2, end2, other) in enumerate(found):
                near = start2 - end <= WINDOW - 1 if j > k else start - end2 <= WINDOW - 1
                if j == k or not near:
                    continue
                if ("post_negator" in other.flags and j > k) or "decrease" in other.flags:
                    values[k] = -entry.weight * NEG_OF_BAD
                    used.add(j)
                    break
                if "increase" in other.flags:
                    used.add(j)
    # VADER's general lexicon covers sentiment words the domain list lacks.
    boilerplate = {i for start, end, e in found if "neutral" in e.flags for i in range(start, end)}
    rest = [word for i, word in enumerate(words) if i not in boilerplate]  # "happy to help"
    if not _vader().lexicon.keys().isdisjoint(rest):  # no lexicon word scores exactly 0: skip
        values.append(VADER * _compound(" ".join(rest)))
    positive = sum(v for k, v in enumerate(values) if k not in used and v > 0)
    negative = sum(v for k, v in enumerate(values) if k not in used and v < 0)
    return positive, negative, flags


# A mention's clauses were read moments before as part of its response: VADER's pass is the
# slowest part of reading them, so its answers are remembered.
@lru_cache(maxsize=4096)
def _compound(text: str) -> float:
    """VADER's compound score of a clause or passage."""
    return _vader().polarity_scores(text)["compound"]


def _negator_before(found: list[tuple[int, int, _Entry]], k: int) -> int | None:
    """Index of the negator that governs cue k ('not helpful'), if one is near enough."""
    start = found[k][0]
    for j in range(k - 1, -1, -1):
        _, end, other = found[j]
        if start - end > WINDOW - 1:
            return None
        if "negator" in other.flags:
            return j
    return None


def _sentences(tokens: list[str]) -> list[tuple[list[list[str]], list[float], bool]]:
    """Split tokens into sentences of clauses, with each clause's contrast weight."""
    if not tokens or tokens[-1] not in _SENTENCE_END:
        tokens = [*tokens, "."]
    sentences: list[tuple[list[list[str]], list[float], bool]] = []
    clauses: list[list[str]] = [[]]
    weights = [1.0]
    resume: float | None = None  # weight to return to after a conceded or supposed clause
    for position, word in enumerate(tokens):
        following = tokens[position + 1] if position + 1 < len(tokens) else "."
        if word in _SENTENCE_END:
            if any(clauses):
                sentences.append((clauses, weights, word == "?"))
            clauses, weights, resume = [[]], [1.0], None
        elif (
            word in _ADVERSATIVE
            and following != "also"
            and not (word == "yet" and clauses[-1][-1:] == ["not"])
        ):
            # "A but B": B carries the lean; a sentence opening with "But" demotes the last one
            target = weights if any(clauses) or not sentences else sentences[-1][1]
            target[:] = [w * BEFORE_BUT for w in target]
            clauses.append([])
            weights.append(AFTER_BUT)
        elif word in _CONCESSIVE:
            if following in _SENTENCE_END or following in _SEGMENT_END:
                weights[-1] *= CONCESSION  # "the videos were good though"
            else:
                resume = weights[-1] if resume is None else resume
                clauses.append([])
                weights.append(weights[-1] * CONCESSION)
        elif word in _CONDITIONAL and resume is None:
            resume = weights[-1]
            clauses.append([word])  # keep "if" for wish patterns ("if only", "if we had")
            weights.append(weights[-1] * CONDITION)
        elif word in _SEGMENT_END:
            clauses.append([])
            weights.append(weights[-1] if resume is None else resume)
            resume = None
        else:
            clauses[-1].append(word)
    return sentences


@dataclass(frozen=True, slots=True)
class _Sentence:
    """One sentence as the rules read it: its score and the evidence behind it."""

    value: float
    cue: bool
    flags: frozenset[str]
    positive: float  # unweighted sums over its clauses, before contrast and wish rules
    negative: float
    question: bool
    request: bool


def _sentence_score(
    lex: _Lexicon, clauses: list[list[str]], weights: list[float], question: bool
) -> _Sentence:
    """Weighted score of one sentence after the wish, fix and question rules."""
    text = " ".join(" ".join(c) for c in clauses)
    scored = [_segment(lex, clause) for clause in clauses]
    flags = set().union(*(f for _, _, f in scored))
    request = question and lex.request.match(text) is not None
    evidence = (sum(p for p, _, _ in scored), sum(n for _, n, _ in scored))

    def sentence(value: float, cue: bool) -> _Sentence:
        return _Sentence(value, cue, frozenset(flags), *evidence, question, request)

    if "premise" in flags and "counterfactual" in flags:
        return sentence(FIXED, True)  # "without the lead it would have died": the lead helped
    total, wish_seen, any_cue = 0.0, False, False
    fixed_at = max((i for i, (_, _, f) in enumerate(scored) if "fixed" in f), default=-1)
    for i, ((positive, negative, clause_flags), weight) in enumerate(
        zip(scored, weights, strict=True)
    ):
        any_cue = any_cue or bool(positive or negative)
        if not request and clause_flags & {"wish", "counterfactual"}:
            wish_seen = True
            total += weight * WISH
            continue
        if wish_seen:
            continue  # what follows a wish describes the wished-for state
        if i <= fixed_at:
            negative = 0.0  # the problem named before "was fixed" is gone
        total += weight * (positive + negative)
    if request:
        total *= REQUEST
    elif question and not text.startswith("why"):
        total *= QUESTION
    return sentence(total, any_cue or wish_seen)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the rules make of a passage: their label, and features for a model to weigh."""

    label: str
    confidence: float
    cue: bool  # whether any cue was found (without one, neutral only means unknown)
    features: tuple[float, ...]  # FEATURES, in that order


# The rules' evidence as numbers for portal/tagging/lean.py; scores are squashed by tanh(x/2).
FEATURES = (
    "score", "cue", "positive", "negative", "first_sentence", "last_sentence", "vader",
    "question", "request", "wish", "fixed", "negator", "length", "several_sentences", "weak",
)
_NEGATORS = frozenset({"not", "no", "never", "nobody", "nothing", "cannot"})


# The tagger asks about a response and then its mentions, often the same words again.
@lru_cache(maxsize=1024)
def read(text: str) -> Reading:
    """The rules' polarity of text, with the evidence it rests on as FEATURES."""
    lex = _lexicon()
    tokens = _tokens(text)
    read_sentences = [_sentence_score(lex, *sentence) for sentence in _sentences(tokens)]
    total = sum(s.value for s in read_sentences)
    cue = any(s.cue for s in read_sentences)
    flags = frozenset().union(*(s.flags for s in read_sentences))
    values = [s.value for s in read_sentences] or [0.0]
    # VADER on the whole passage, not per clause: contrast and negation as general English sees them
    analyzer = _vader()
    words = {word for token in tokens for word in token.split("'")} | set(tokens)
    # Without a word VADER knows the compound is 0: skip its comparatively slow pass
    vader = _compound(text) if not analyzer.lexicon.keys().isdisjoint(words) else 0.0
    features = (
        math.tanh(total / 2), float(cue),
        math.tanh(sum(s.positive for s in read_sentences) / 2),
        math.tanh(sum(s.negative for s in read_sentences) / 2),
        math.tanh(values[0] / 2), math.tanh(values[-1] / 2), vader,
        float(any(s.question for s in read_sentences)),
        float(any(s.request for s in read_sentences)),
        float(not flags.isdisjoint({"wish", "counterfactual"})), float("fixed" in flags),
        float(any(t in _NEGATORS or t.endswith("n't") for t in tokens)),
        math.log1p(len(tokens)) / 4, float(len(read_sentences) > 1),
        float(abs(total) < THRESHOLD),
    )
    if abs(total) >= THRESHOLD:
        label = FACILITATOR if total > 0 else BARRIER
        return Reading(label, round(abs(total) / (abs(total) + 0.5), 3), True, features)
    if not text.strip():
        return Reading(NEUTRAL, 0.0, False, features)
    # No cue at all: a plain description; cues that cancel out: mixed with no lean.
    if not cue:
        return Reading(NEUTRAL, 0.5, False, features)
    return Reading(NEUTRAL, round(0.6 - 0.3 * abs(total) / THRESHOLD, 3), True, features)


def score(text: str) -> float:
    """Signed polarity score of text: below zero leans barrier, above leans facilitator."""
    lex = _lexicon()
    return sum(_sentence_score(lex, *sentence).value for sentence in _sentences(_tokens(text)))


def polarity_of(text: str) -> tuple[str, float]:
    """('barrier' | 'facilitator' | 'neutral', confidence in [0,1]) for a passage."""
    reading = read(text)
    return reading.label, reading.confidence


def assess(text: str) -> tuple[str, float, bool]:
    """polarity_of plus whether any cue was found (without one, neutral only means unknown)."""
    reading = read(text)
    return reading.label, reading.confidence, reading.cue
