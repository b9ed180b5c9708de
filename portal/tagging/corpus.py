"""Training sentences for each theme, drawn from the codebook definition alone."""

import re
from collections.abc import Sequence

from portal.tagging import no_theme
from portal.tagging.phrase_bank import phrases

NO_THEME = -1  # the label of a sentence that is a negative for every theme

# Sentences end at . ; or : followed by space; include notes are lists of cases joined this way.
_SENTENCE = re.compile(r"(?<=[.;:])\s+")
# Coder instructions ("Code ...", "Also code ...") are not how respondents talk; drop the verb.
_INSTRUCTION = re.compile(
    r"^(?:also code|code (?:as (?:a )?(?:barrier|facilitator|neutral) when|here)|code)\s+",
    re.IGNORECASE,
)


def sentences(text: str) -> list[str]:
    """The sentences of a note, without coder instructions, skipping fragments."""
    out = []
    for part in _SENTENCE.split(text or ""):
        part = _INSTRUCTION.sub("", part.strip())
        if len(part) > 3:
            out.append(part)
    return out


def theme_texts(theme: dict) -> list[str]:
    """Everything the codebook says a theme sounds like: examples, notes, keywords, label."""
    texts = [
        *theme.get("examples", []),
        *sentences(theme.get("description", "")),
        *sentences(theme.get("include", "")),
        *theme.get("keywords", []),
        theme.get("label", ""),
    ]
    return [t for t in dict.fromkeys(texts) if t.strip()]


def training_set(definition: dict, without_voice: str | None = None,
                 negatives: Sequence[str] | None = None) -> tuple[list[str], list[int]]:
    """All training sentences of a codebook and the index of the theme each belongs to.

    A codebook with a phrase bank also gets negatives (no_theme.py's sentences unless given),
    labelled NO_THEME. without_voice leaves one stakeholder voice of the phrase bank out, for
    leave-one-voice-out checks.
    """
    texts: list[str] = []
    labels: list[int] = []
    for index, theme in enumerate(definition["themes"]):
        for text in theme_texts(theme):
            texts.append(text)
            labels.append(index)
    bank_texts, bank_labels = bank_phrasings(definition, without_voice)
    texts += bank_texts
    labels += bank_labels
    # Answers are padded with pleasantries and context; these must pull no theme in. Only
    # beside a phrase bank: against a codebook's own few sentences per theme, 40 negatives
    # pulled every score down (a patient codebook lost themes on dev and in tests).
    if bank_texts:
        negatives = no_theme.SENTENCES if negatives is None else negatives
        texts += list(negatives)
        labels += [NO_THEME] * len(negatives)
    return texts, labels


def bank_phrasings(definition: dict,
                   without_voice: str | None = None) -> tuple[list[str], list[int]]:
    """The phrase bank's sentences for a codebook's themes and their theme indices."""
    # The phrase bank speaks in respondents' voices, which the coder-facing notes do not.
    index_of = {theme["id"]: i for i, theme in enumerate(definition["themes"])}
    texts: list[str] = []
    labels: list[int] = []
    for theme_id, _, voice, text in phrases(definition.get("id", "")):
        if theme_id in index_of and voice != without_voice:
            texts.append(text)
            labels.append(index_of[theme_id])
    return texts, labels


def exemplars(definition: dict, without_voice: str | None = None) -> tuple[list[str], list[int]]:
    """Sentences in respondents' words (examples and phrase bank) to measure closeness to.

    Empty for a codebook without a phrase bank: a dozen examples per theme are too few
    neighbours (on the dev split they cost working-alliance parent top-1 0.81 -> 0.75).
    """
    bank = bank_phrasings(definition, without_voice)
    if not bank[0]:
        return [], []
    texts: list[str] = []
    labels: list[int] = []
    for index, theme in enumerate(definition["themes"]):
        texts += theme.get("examples", [])
        labels += [index] * len(theme.get("examples", []))
    return texts + bank[0], labels + bank[1]
