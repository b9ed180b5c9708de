"""Invented open-ended feedback about implementing iCBT, for the demo world.

Every phrasing (in the codebook's phrase bank, surveys/codebooks/phrases/, one TOML file per
group) was written for Uptake; none comes from a real person. The tagger learns from the same
bank, so the demo's coding is easier than real feedback. Phrasings are clauses without a final
full stop, so they can be joined with "but", "and" or "so"; they may use the slots
{programme} ("the depression programme") and {product} ("MindStep").
"""

import random
import re
import tomllib
from pathlib import Path

GROUPS = ("therapist", "service_manager", "vendor", "patient")
POLARITIES = ("barrier", "facilitator", "neutral")

_PHRASE_DIR = Path(__file__).resolve().parents[2] / "surveys" / "codebooks" / "phrases" / \
    "icbt-implementation"


def _load_phrases(group: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """Read one group's phrasings (theme -> polarity -> phrasings) from its TOML file."""
    with (_PHRASE_DIR / f"{group}.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    return {theme: {polarity: tuple(p) for polarity, p in by.items()} for theme, by in raw.items()}


_PHRASES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {g: _load_phrases(g) for g in GROUPS}

THEMES_BY_GROUP: dict[str, tuple[str, ...]] = {group: tuple(_PHRASES[group]) for group in GROUPS}
"""Theme ids this generator can write about, per group (see below)."""

# Sentences that set the scene but carry no theme, so they never change what a coder should tag.
_CONTEXT: dict[str, tuple[str, ...]] = {
    "therapist": (
        "I have been doing this for a while now",
        "I'm a PWP in a step 2 team",
        "I work part time, three days a week",
        "I qualified about six years ago",
        "This is only my own view and others in the team may see it differently",
        "I've filled in one of these before",
        "I'll try to keep this brief",
        "Some of this I've already said in team meetings",
        "I'm answering this at the end of a long day, so bear with me",
    ),
    "service_manager": (
        "I manage a team of about fifteen clinicians across two sites",
        "We cover two boroughs with quite different populations",
        "I took over the service last year",
        "This is my own view rather than an official position",
        "I've worked in the NHS for nearly twenty years",
        "I'll try to summarise rather than go into every detail",
        "Some of this has already been discussed with the team leads",
    ),
    "vendor": (
        "I'm the account manager for this service",
        "I've worked with this service since the contract started",
        "I cover several services in the region",
        "This is based on our last quarterly review",
        "I'm writing this on behalf of the implementation team",
        "Some of this we've already discussed with the service directly",
    ),
    "patient": (
        "I did the programme last spring",
        "I found out about it through my GP",
        "I'm in my thirties and have two kids",
        "This was my first time having any kind of help like this",
        "I'm not very good at filling in forms like this",
        "I finished about a month ago",
        "Sorry if this is a bit all over the place",
        "I'm writing this on my phone so excuse any mistakes",
    ),
}
_CLOSERS = (
    "Hope this helps",
    "That's all I can think of for now",
    "Thanks for asking",
    "Happy to talk more about any of this",
    "That's about it really",
    "Anyway, that's my view",
)

# Hedges sit in front of a clause; "mostly" and "on the whole" read oddly before a complaint.
_HEDGES: dict[str, tuple[str, ...]] = {
    "any": ("to be honest, ", "I think ", "I'd say ", "honestly, ", "if I'm honest, "),
    "barrier": ("sadly, ", "unfortunately "),
    "facilitator": ("on the whole, ", "mostly, "),
    "neutral": ("generally, ", "mostly, "),
    "therapist": ("in my experience, ",),
    "service_manager": ("from where I sit, ",),
    "vendor": ("from our side, ", "from what we see, "),
    "patient": ("tbh ", "I suppose "),
}
_ALREADY_HEDGED = ("i think", "i'd say", "i'm not sure", "i guess", "i suppose", "i assume",
                   "i believe", "it depends", "honestly", "to be honest")

_CONTRAST = ("{a}, but {b}", "{a} but {b}", "{a}, although {b}", "{a}, though {b}",
             "{a}; on the other hand, {b}")
_ADDITION = ("{a}, and {b}", "{a} and {b}", "{a}, and also {b}", "{a}; also {b}")
_CONSEQUENCE = ("{a}, so {b}", "{a}, which means {b}", "{a} so {b}")
_LOOSE = ("{a}, and {b}", "{a} and {b}")
# Themes that read naturally as the result of what came before ("..., so patients drop out").
_CONSEQUENCE_THEMES = ("patient_engagement", "time_workload", "clinician_attitudes",
                       "perseverance_experience", "accountability")

_TYPOS = (("the", "teh"), ("because", "becuase"), ("really", "realy"), ("which", "wich"),
          ("their", "thier"), ("receive", "recieve"), ("separate", "seperate"),
          ("message", "mesage"), ("training", "trainning"), ("definitely", "definately"),
          ("patients", "paitents"), ("probably", "probaly"))

# Rates per group: typo, whole answer in lower case, no final full stop, rambling, one aside.
_ROUGHNESS: dict[str, dict[str, float]] = {
    "therapist": {"typo": 0.03, "lower": 0.03, "no_stop": 0.08, "ramble": 0.06, "aside": 0.15},
    "service_manager": {"typo": 0.02, "lower": 0.01, "no_stop": 0.05, "ramble": 0.06,
                        "aside": 0.15},
    "vendor": {"typo": 0.02, "lower": 0.01, "no_stop": 0.05, "ramble": 0.05, "aside": 0.15},
    "patient": {"typo": 0.05, "lower": 0.08, "no_stop": 0.15, "ramble": 0.04, "aside": 0.12},
}
_HEDGE_RATE = 0.18
_JOIN_RATE = 0.5
_TERSE_RATE = 0.25  # single-mention patient answers written as a bare lower-case phrase

# Invented identifiers for patients only, so later de-identification has something to find.
_NAME_RATE = 0.03
_PHONE_RATE = 0.005
_SUPPORTER_NAMES = ("Anna", "Sarah", "Priya", "Tom", "James", "Aisha", "Megan", "Chloe",
                    "Ben", "Fatima", "Hannah", "Ravi", "Lucy", "Daniel", "Niamh", "Kofi")
_DOCTOR_SURNAMES = ("Patel", "Okafor", "Hughes", "Khan", "Morgan", "Evans", "Nowak",
                    "Campbell", "Ahmed", "Lewis")
_NAME_SENTENCES = ("My supporter was {first}", "{first} was my supporter",
                   "I was referred by Dr {surname}", "I was supported by {first}")
_PHONE_SENTENCES = ("You can ring me on {phone} if you want to know more",
                    "My number is {phone} if anyone wants to follow this up",
                    "Happy to talk, my mobile is {phone}",
                    "call me on {phone}")
_MY_SUPPORTER = re.compile(r"\b([Mm]y) supporter\b")
# Programme codes that are not written in lower case inside a sentence.
_PROGRAMME_NAMES = {"ocd": "OCD", "ptsd": "PTSD"}

_SHORT_ANSWERS = ("Nothing really.", "n/a", "N/A", "Not sure yet", "all good thanks", "No.",
                  "Nothing to add.", "none", "-", "Can't think of anything.", "no comment",
                  "Not at the moment.", "nothing else", "All fine.", "Too early to say.",
                  "See above.", "Same as last time.", "nope", "I don't know.",
                  "Nothing springs to mind.", "Not that I can think of.", "N/a",
                  "Nothing more to add", "not really")
_SHORT_BY_GROUP: dict[str, tuple[str, ...]] = {
    "therapist": ("Nothing further from me.", "Covered it all above.",
                  "No, I think that's everything."),
    "service_manager": ("Nothing further at this stage.",
                        "Nothing to add beyond my earlier answers."),
    "vendor": ("Nothing further from our side.", "No further comments at this time."),
    "patient": ("no thanks", "Nothing, thank you.", "dont know", "not really no"),
}


def write_feedback(group: str, mentions: list[tuple[str, str]], rng: random.Random,
                   programme: str = "depression", product: str = "the programme") -> str:
    """Compose one open answer mentioning each (theme_id, polarity), in the voice of the group."""
    if not mentions:
        raise ValueError("write_feedback needs at least one (theme, polarity) mention")
    for theme, polarity in mentions:
        _phrasings(group, theme, polarity)
    terse = group == "patient" and len(mentions) == 1 and rng.random() < _TERSE_RATE
    used: set[str] = set()
    clauses = [(theme, polarity, _clause(group, theme, polarity, rng, used, hedge=not terse))
               for theme, polarity in mentions]
    sentences = _sentences(clauses, rng)
    if not terse:
        sentences = _with_context(group, sentences, rng)
    if group == "patient":
        sentences = _with_identifiers(sentences, rng)
    slots = {"programme": f"the {_PROGRAMME_NAMES.get(programme, programme)} programme",
             "product": product}
    text = " ".join(_capitalise(sentence.format_map(slots)) + "." for sentence in sentences)
    return _roughen(group, text, rng, terse)


def write_short_answer(group: str, rng: random.Random) -> str:
    """A short answer with no codable content ("Nothing really.", "n/a", "all good thanks")."""
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    return rng.choice(_SHORT_ANSWERS + _SHORT_BY_GROUP[group])


def _phrasings(group: str, theme: str, polarity: str) -> tuple[str, ...]:
    """The phrasings for one (group, theme, polarity); ValueError if any is unknown."""
    if group not in _PHRASES:
        raise ValueError(f"unknown group {group!r}")
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}")
    if theme not in _PHRASES[group]:
        raise ValueError(f"theme {theme!r} is not one a {group} writes about")
    return _PHRASES[group][theme][polarity]


def _clause(group: str, theme: str, polarity: str, rng: random.Random, used: set[str],
            hedge: bool) -> str:
    """Pick a phrasing not yet used in this answer, sometimes behind a hedge."""
    options = _phrasings(group, theme, polarity)
    fresh = [option for option in options if option not in used] or list(options)
    text = rng.choice(fresh)
    used.add(text)
    if hedge and rng.random() < _HEDGE_RATE and not text.lower().startswith(_ALREADY_HEDGED):
        hedges = _HEDGES["any"] + _HEDGES[polarity] + _HEDGES[group]
        if text.startswith("I"):  # "I think I didn't..." reads clumsily
            hedges = tuple(h for h in hedges if not h.startswith("I"))
        text = rng.choice(hedges) + _lower_first(text)
    return text


def _sentences(clauses: list[tuple[str, str, str]], rng: random.Random) -> list[str]:
    """Group clauses into sentences, joining some neighbours with a fitting connective."""
    sentences: list[str] = []
    index = 0
    while index < len(clauses):
        if index + 1 < len(clauses) and rng.random() < _JOIN_RATE:
            sentences.append(_join(clauses[index], clauses[index + 1], rng))
            index += 2
        else:
            sentences.append(clauses[index][2])
            index += 1
    return sentences


def _join(first: tuple[str, str, str], second: tuple[str, str, str], rng: random.Random) -> str:
    """Join two clauses: contrast for barrier against facilitator, else "and" or "so"."""
    _, polarity_a, text_a = first
    theme_b, polarity_b, text_b = second
    if {polarity_a, polarity_b} == {"barrier", "facilitator"}:
        patterns = _CONTRAST
    elif polarity_a != polarity_b:
        patterns = _LOOSE + (("{a}, but {b}",) if polarity_b == "barrier" else ())
    elif theme_b in _CONSEQUENCE_THEMES and rng.random() < 0.5:
        patterns = _CONSEQUENCE
    else:
        patterns = _ADDITION
    return rng.choice(patterns).format(a=text_a, b=_lower_first(text_b))


def _with_context(group: str, sentences: list[str], rng: random.Random) -> list[str]:
    """Now and then add a theme-free aside; rarely ramble with several of them."""
    rates = _ROUGHNESS[group]
    roll = rng.random()
    if roll < rates["ramble"]:
        asides = rng.sample(_CONTEXT[group], k=rng.randint(2, 3))
        rambling = [asides[0], *sentences]
        for aside in asides[1:]:
            rambling.insert(rng.randint(1, len(rambling)), aside)
        return [*rambling, rng.choice(_CLOSERS)]
    if roll < rates["ramble"] + rates["aside"]:
        if rng.random() < 0.6:
            return [rng.choice(_CONTEXT[group]), *sentences]
        return [*sentences, rng.choice(_CLOSERS)]
    return sentences


def _with_identifiers(sentences: list[str], rng: random.Random) -> list[str]:
    """Rarely name the supporter or leave a phone number from the UK drama range."""
    sentences = list(sentences)
    if rng.random() < _NAME_RATE:
        first, surname = rng.choice(_SUPPORTER_NAMES), rng.choice(_DOCTOR_SURNAMES)
        for index, sentence in enumerate(sentences):
            match = _MY_SUPPORTER.search(sentence)
            if match:
                who = rng.choice((f"{match.group(1)} supporter {first}", first, f"Dr {surname}"))
                sentences[index] = sentence[:match.start()] + who + sentence[match.end():]
                break
        else:
            sentences.append(rng.choice(_NAME_SENTENCES).format(first=first, surname=surname))
    if rng.random() < _PHONE_RATE:
        phone = f"07700 900{rng.randrange(1000):03d}"
        sentences.append(rng.choice(_PHONE_SENTENCES).format(phone=phone))
    return sentences


def _roughen(group: str, text: str, rng: random.Random, terse: bool) -> str:
    """Make the answer look typed by a person: a rare typo, lower case, a missing full stop."""
    rates = _ROUGHNESS[group]
    if rng.random() < rates["typo"]:
        text = _typo(text, rng)
    if terse:
        return _lower_first(text).removesuffix(".")
    if rng.random() < rates["lower"]:
        text = text.lower()
    if rng.random() < rates["no_stop"]:
        text = text.removesuffix(".")
    return text


def _typo(text: str, rng: random.Random) -> str:
    """Misspell one common word from a small fixed list, if the answer has one."""
    present = [pair for pair in _TYPOS if re.search(rf"\b{pair[0]}\b", text)]
    if not present:
        return text
    right, wrong = rng.choice(present)
    return re.sub(rf"\b{right}\b", wrong, text, count=1)


def _lower_first(clause: str) -> str:
    """Lower-case a clause's first letter unless it starts with "I", a slot or a proper noun."""
    first_word = clause.split(" ", 1)[0]
    keep = (clause.startswith("{") or first_word.split("'")[0] in ("I", "Android", "Dr")
            or any(letter.isupper() for letter in first_word[1:]))
    return clause if keep else clause[:1].lower() + clause[1:]


def _capitalise(sentence: str) -> str:
    """Upper-case a sentence's first letter, leaving the rest as written."""
    return sentence[:1].upper() + sentence[1:]
