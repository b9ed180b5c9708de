"""The pure shapes behind the coding templates: highlighted segments, groups, excerpts."""

from types import SimpleNamespace

from portal.web.coding.display import Segment, excerpt, segments, theme_groups


def tag(theme: str, start: int | None, end: int | None) -> SimpleNamespace:
    """A stand-in for a Tag: only the fields segments() reads."""
    return SimpleNamespace(theme=theme, span_start=start, span_end=end)


def test_segments_cover_the_text_and_mark_overlaps():
    """Every character appears once; overlapping passages name both themes."""
    text = "The app crashed <b>often</b>."
    found = segments(text, [tag("bugs", 4, 15), tag("usability", 8, 28), tag("x", 5, 99)],
                     {"bugs": "Bugs", "usability": "Usability"})
    assert "".join(s.text for s in found) == text
    assert found[0] == Segment("The ")
    assert Segment("crashed", ("Bugs", "Usability")) in found
    assert found[-1] == Segment(".")


def test_segments_without_passages_is_the_whole_text():
    """No spans, or an empty answer, still give one run."""
    assert segments("Plain.", [tag("a", None, None)], {}) == [Segment("Plain.")]
    assert segments("", [], {}) == [Segment("")]


def test_theme_groups_follow_the_nodes():
    """Themes sit under their node, nested nodes show their path, orphans come last."""
    definition = {"nodes": [{"id": "n1", "label": "One", "parent": ""},
                            {"id": "n2", "label": "Two", "parent": "n1"}],
                  "themes": [{"id": "a", "label": "A", "parent": "n2"},
                             {"id": "b", "label": "B", "parent": "n1"},
                             {"id": "c", "label": "C", "parent": ""}]}
    groups = theme_groups(definition)
    assert [(g.label, [t["id"] for t in g.themes]) for g in groups] == [
        ("One", ["b"]), ("One › Two", ["a"]), ("Other themes", ["c"])]


def test_excerpt_cuts_at_a_word():
    """Long answers are cut at a space with an ellipsis; short ones are left alone."""
    assert excerpt("short  text\n") == "short text"
    assert excerpt("word " * 40, 12) == "word word…"
