"""Check and normalise answers against an instrument definition."""

import unicodedata
from collections.abc import Mapping

MAX_TEXT_LENGTH = 10_000


class AnswerError(ValueError):
    """One answer that cannot be stored."""


class AnswersInvalid(ValueError):
    """Answers that cannot be stored: messages per item, per section and about the whole form."""

    def __init__(self, item_errors: dict[str, str], form_errors: list[str],
                 section_errors: dict[str, str] | None = None):
        section_errors = section_errors or {}
        super().__init__("; ".join([*item_errors.values(), *section_errors.values(),
                                    *form_errors]))
        self.item_errors = item_errors
        self.section_errors = section_errors
        self.form_errors = form_errors


def clean_text(value: str, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Return text NFC-normalised with outer whitespace trimmed, or raise AnswerError."""
    if "\x00" in value:
        raise AnswerError("This answer contains a NUL character, which cannot be stored. "
                          "Please remove it (it can come from pasting binary content).")
    if any(0xD800 <= ord(char) <= 0xDFFF for char in value):
        raise AnswerError("This answer contains a broken character (a lone surrogate). "
                          "Please retype the part that looks wrong.")
    # Browsers send CRLF from text areas; one kind of line ending keeps lengths honest.
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
    if len(text) > max_length:
        raise AnswerError(f"Please shorten this answer to {max_length:,} characters "
                          f"(it has {len(text):,}).")
    return text


def clean_value(item: dict, raw: object) -> str | int | None:
    """Return the stored form of one answer (None when unanswered), or raise AnswerError."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if item["required"]:
            raise AnswerError("Please answer this question.")
        return None
    kind = item["type"]
    if kind == "text":
        if not isinstance(raw, str):
            raise AnswerError("This answer must be text.")
        return clean_text(raw, item["max_length"]) or None
    if kind == "number":
        try:
            number = int(str(raw).strip())
        except ValueError:
            raise AnswerError("Please enter a whole number, for example 3.") from None
        if not item["min"] <= number <= item["max"]:
            raise AnswerError(f"Please enter a number from {item['min']} to {item['max']}.")
        return number
    options = item["options"] + item.get("not_relevant", [])
    for option in options:
        if str(option["value"]) == str(raw):
            return option["value"]
    raise AnswerError("Please choose one of the options shown.")


def clean_answers(definition: dict, raw: Mapping[str, object]) -> dict[str, str | int]:
    """Return the answered items, normalised; raise AnswersInvalid listing every problem."""
    known = {item["id"] for section in definition["sections"] for item in section["items"]}
    unknown = sorted(set(raw) - known)
    item_errors: dict[str, str] = {}
    section_errors: dict[str, str] = {}
    form_errors: list[str] = []
    if unknown:
        form_errors.append(f"This form has no question called {', '.join(unknown)}.")
    cleaned: dict[str, str | int] = {}
    for section in definition["sections"]:
        answered = 0
        for item in section["items"]:
            try:
                value = clean_value(item, raw.get(item["id"]))
            except AnswerError as error:
                item_errors[item["id"]] = str(error)
                continue
            if value is not None:
                cleaned[item["id"]] = value
                answered += 1
        if answered < section["min_answered"] and not any(
            item["id"] in item_errors for item in section["items"]
        ):
            section_errors[section["id"]] = min_answered_message(section)
    if item_errors or section_errors or form_errors:
        raise AnswersInvalid(item_errors, form_errors, section_errors)
    return cleaned


def min_answered_message(section: dict) -> str:
    """Say how many questions of a section need an answer."""
    count = section["min_answered"]
    noun = "question" if count == 1 else "questions"
    return f"Please answer at least {count} {noun} in “{section['title']}”."
