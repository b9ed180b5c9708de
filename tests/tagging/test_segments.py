"""Splitting responses into clauses with spans into the original text."""

import pytest

from portal.tagging.segments import split


def texts(text: str) -> list[str]:
    """The clause texts of a response."""
    return [segment.text for segment in split(text)]


def test_spans_index_into_the_original_text():
    """Every segment's text is exactly the slice its offsets name."""
    text = "  The modules were good; the login, however, was awful.\nNobody replied.  "
    segments = split(text)
    assert segments
    for segment in segments:
        assert text[segment.start:segment.end] == segment.text
        assert segment.text == segment.text.strip()
    assert [s.start for s in segments] == sorted(s.start for s in segments)


def test_sentences_semicolons_and_line_breaks_split():
    """Sentence punctuation, semicolons and line breaks end a clause."""
    text = "I liked the videos. The quizzes were dull!\nThe login failed; I gave up after a week."
    assert texts(text) == [
        "I liked the videos.", "The quizzes were dull!", "The login failed;",
        "I gave up after a week."]


@pytest.mark.parametrize("connective", ["but", "however", "although", "whereas", "except"])
def test_contrast_connectives_start_a_new_clause(connective):
    """A contrast connective separates the two sides of a mixed statement."""
    parts = texts(f"The training was really good, {connective} there is never time to use it.")
    assert len(parts) == 2
    assert parts[1].lower().startswith(connective)


def test_yet_and_though_split_only_after_a_comma():
    """'not yet' and 'as though' stay inside their clause."""
    assert len(texts("I have not yet finished the second module of the course.")) == 1
    assert len(texts("It felt as though someone was really reading my entries.")) == 1
    assert len(texts("The app was quick to set up, yet nobody showed us the reports.")) == 2


def test_fragments_merge_with_a_neighbour():
    """Pieces too short to carry a theme join the clause before them."""
    assert texts("The support was lovely. Thanks!") == ["The support was lovely. Thanks!"]


@pytest.mark.parametrize("blank", ["", "   ", "\n\n", " ... "])
def test_blank_text_has_no_segments(blank):
    """Whitespace or punctuation alone gives nothing to tag."""
    assert split(blank) == []
