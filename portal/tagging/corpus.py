"""Training sentences for each theme, drawn from the codebook definition alone."""

import re

from portal.tagging.phrase_bank import phrases

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


def training_set(definition: dict) -> tuple[list[str], list[int]]:
    """All training sentences of a codebook and the index of the theme each belongs to."""
    texts: list[str] = []
    labels: list[int] = []
    for index, theme in enumerate(definition["themes"]):
        for text in theme_texts(theme):
            texts.append(text)
            labels.append(index)
    # The phrase bank speaks in respondents' voices, which the coder-facing notes do not.
    index_of = {theme["id"]: i for i, theme in enumerate(definition["themes"])}
    for theme_id, _, _, text in phrases(definition.get("id", "")):
        if theme_id in index_of:
            texts.append(text)
            labels.append(index_of[theme_id])
    return texts, labels
