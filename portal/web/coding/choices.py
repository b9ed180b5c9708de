"""A coder's choices on the coding form: read from the request, pre-filled, turned into tags."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from portal.domain.codebooks import labels
from portal.domain.review import TagInput
from portal.models import CodebookVersion, Coding
from portal.models.coding import POLARITIES


@dataclass
class Choices:
    """The themes ticked on the form and the polarity chosen for each theme."""

    themes: list[str] = field(default_factory=list)
    polarity: dict[str, str] = field(default_factory=dict)

    def ticked(self, theme: str) -> bool:
        """Is this theme ticked?"""
        return theme in self.themes


def polarity_field(theme: str) -> str:
    """The name of a theme's polarity radio group."""
    return f"polarity-{theme}"


def from_form(form: MultiDict) -> Choices:
    """What the person ticked and chose, as sent (unknown themes are left for the domain)."""
    themes = list(dict.fromkeys(form.getlist("theme")))
    polarity = {key.removeprefix("polarity-"): value for key, value in form.items()
                if key.startswith("polarity-") and value}
    return Choices(themes, polarity)


def from_coding(coding: Coding | None) -> Choices:
    """A coding's themes and polarities, e.g. the engine's proposal to pre-tick."""
    if coding is None:
        return Choices()
    return Choices([t.theme for t in coding.tags],
                   {t.theme: t.polarity for t in coding.tags if t.polarity})


def agreed(first: Coding | None, second: Coding | None) -> Choices:
    """The themes both coders chose, with the polarity where they chose the same one."""
    a, b = from_coding(first), from_coding(second)
    themes = [t for t in a.themes if b.ticked(t)]
    return Choices(themes, {t: a.polarity[t] for t in themes
                            if a.polarity.get(t) and a.polarity.get(t) == b.polarity.get(t)})


def problems(choices: Choices, version: CodebookVersion) -> list[tuple[str, str]]:
    """(anchor, message) for each ticked theme whose polarity is missing or not allowed."""
    if not version.has_polarity:
        return []
    names = labels(version.definition)
    return [(f"polarity-{theme}-{POLARITIES[0]}",
             f"Choose barrier, facilitator or neutral for “{names.get(theme, theme)}”.")
            for theme in choices.themes
            if theme in names and choices.polarity.get(theme) not in POLARITIES]


def to_tags(choices: Choices, version: CodebookVersion,
            spans: Mapping[str, tuple[int | None, int | None]] | None = None) -> list[TagInput]:
    """The tags to save; an accepted proposal keeps the passage the engine marked."""
    spans = spans or {}
    return [TagInput(theme, choices.polarity.get(theme) if version.has_polarity else None,
                     *spans.get(theme, (None, None)))
            for theme in choices.themes]


def machine_spans(coding: Coding | None) -> dict[str, tuple[int | None, int | None]]:
    """The passage the engine marked for each theme it proposed."""
    if coding is None:
        return {}
    return {t.theme: (t.span_start, t.span_end) for t in coding.tags}
