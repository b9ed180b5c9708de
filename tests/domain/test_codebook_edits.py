"""A lead's codebook changes: the pure edits, and carrying existing tags into the new version."""

import pytest
from sqlalchemy import func, select

from portal.domain.codebook_edits import (
    add_theme,
    apply_change,
    compare,
    edit_theme,
    merge_themes,
    split_theme,
)
from portal.domain.codebooks import CodebookError, current_version, current_versions
from portal.domain.review import TagInput, save_coding
from portal.domain.tagging import choose_parts
from portal.extensions import db
from portal.models import Answer, AuditEvent, CodebookVersion, Coding, Tag
from tests.conftest import fresh

BASE = {
    "id": "mini", "title": "Mini", "description": "For tests.", "groups": ["patient"],
    "nodes": [{"id": "care", "label": "Care"}],
    "themes": [
        {"id": "warmth", "label": "Warmth", "parent": "care", "examples": ["Kind words."],
         "keywords": ["kind"]},
        {"id": "speed", "label": "Speed", "parent": "", "examples": ["Quick replies."],
         "keywords": ["quick", "kind"]},
        {"id": "access", "label": "Access", "parent": "care", "examples": [], "keywords": []},
    ],
}
LOGIN_AND_CONTENT = [
    {"id": "login_faults", "label": "Login faults",
     "description": "Being logged out, locked out, password resets failing.",
     "examples": ["The app kept logging me out.", "I was locked out again."]},
    {"id": "content_faults", "label": "Content faults",
     "description": "Videos that do not play, broken links, lost answers.",
     "examples": ["The video never plays.", "My answers vanished."]},
]


def ids(definition: dict) -> list[str]:
    """The theme ids of a definition, in order."""
    return [t["id"] for t in definition["themes"]]


def current_codings(version: CodebookVersion) -> list[Coding]:
    """The current codings that belong to a version."""
    return list(db.session.scalars(select(Coding).where(
        Coding.codebook_version_id == version.id, Coding.current.is_(True)).order_by(Coding.id)))


def answer_with(text_start: str) -> Answer:
    """The stored answer whose text starts so."""
    return db.session.scalar(select(Answer).where(Answer.value_text.startswith(text_start)))


def machine_coding_of(answer: Answer, version: CodebookVersion) -> Coding:
    """The current machine coding of an answer under a version."""
    return db.session.scalar(select(Coding).where(
        Coding.answer_id == answer.id, Coding.codebook_version_id == version.id,
        Coding.kind == "machine", Coding.current.is_(True)))


# -- the pure edits -------------------------------------------------------------------------


def test_add_theme_appends_with_defaults_and_leaves_the_input_alone():
    """A new theme gets every coder-facing field; the original definition is untouched."""
    result = add_theme(BASE, {"id": "cost", "label": "Cost", "keywords": ["price"]})
    assert ids(result) == ["warmth", "speed", "access", "cost"]
    assert result["themes"][-1] == {"id": "cost", "label": "Cost", "parent": "",
                                    "description": "", "include": "", "exclude": "",
                                    "examples": [], "keywords": ["price"]}
    assert ids(BASE) == ["warmth", "speed", "access"]


def test_edit_theme_renames_keeping_the_id():
    """A rename changes the label only; the id every tag carries stays."""
    result = edit_theme(BASE, "speed", {"label": "Response time", "keywords": ["fast"]})
    changed = result["themes"][1]
    assert (changed["id"], changed["label"], changed["keywords"]) == ("speed", "Response time",
                                                                      ["fast"])
    assert BASE["themes"][1]["label"] == "Speed"


@pytest.mark.parametrize(("theme_id", "changes", "message"), [
    ("speed", {"id": "pace"}, "id cannot be changed here"),
    ("speed", {"label": "x", "colour": "red"}, "colour cannot be changed here"),
    ("nowhere", {"label": "x"}, "There is no theme nowhere"),
    ("care", {"label": "x"}, "There is no theme care"),
])
def test_edit_theme_refuses_unknown_fields_and_themes(theme_id, changes, message):
    """Only coder-facing fields of an existing theme change; a grouping node is not a theme."""
    with pytest.raises(CodebookError, match=message):
        edit_theme(BASE, theme_id, changes)


def test_merge_folds_themes_into_the_one_kept():
    """Absorbed themes go; their examples and keywords join the kept one without repeats."""
    result = merge_themes(BASE, "warmth", ["speed"])
    assert ids(result) == ["warmth", "access"]
    kept = result["themes"][0]
    assert kept["examples"] == ["Kind words.", "Quick replies."]
    assert kept["keywords"] == ["kind", "quick"]
    assert ids(BASE) == ["warmth", "speed", "access"]


@pytest.mark.parametrize(("keep", "absorbed", "message"), [
    ("warmth", [], "Choose at least one other theme"),
    ("warmth", ["warmth"], "Choose at least one other theme"),
    ("warmth", ["speed", "warmth"], "Choose at least one other theme"),
    ("nowhere", ["speed"], "There is no theme nowhere"),
    ("warmth", ["nowhere"], "There is no theme nowhere"),
])
def test_merge_refuses_nonsense(keep, absorbed, message):
    """A merge needs a kept theme and at least one other existing theme."""
    with pytest.raises(CodebookError, match=message):
        merge_themes(BASE, keep, absorbed)


def test_split_puts_the_parts_where_the_theme_was():
    """Parts take the old theme's place and parent; a part may reuse the old id."""
    result = split_theme(BASE, "speed", [{"id": "speed", "label": "Reply speed"},
                                         {"id": "wait", "label": "Waiting list",
                                          "examples": ["Months."]}])
    assert ids(result) == ["warmth", "speed", "wait", "access"]
    first, second = result["themes"][1:3]
    assert (first["label"], first["parent"], first["examples"]) == ("Reply speed", "", [])
    assert (second["parent"], second["examples"], second["include"]) == ("", ["Months."], "")
    in_care = split_theme(BASE, "access", [{"id": "a1", "label": "A1"},
                                           {"id": "a2", "label": "A2"}])
    assert [t["parent"] for t in in_care["themes"][2:]] == ["care", "care"]


@pytest.mark.parametrize(("theme_id", "parts", "message"), [
    ("speed", [{"id": "only", "label": "Only"}], "at least two parts"),
    ("speed", [], "at least two parts"),
    ("nowhere", [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}], "no theme nowhere"),
])
def test_split_refuses_nonsense(theme_id, parts, message):
    """A split needs an existing theme and two or more parts."""
    with pytest.raises(CodebookError, match=message):
        split_theme(BASE, theme_id, parts)


def test_compare_lists_added_removed_and_changed():
    """The difference between two versions, theme by theme and field by field."""
    after = edit_theme(merge_themes(BASE, "warmth", ["speed"]), "access", {"label": "Reach"})
    after = add_theme(after, {"id": "cost", "label": "Cost"})
    assert compare(BASE, after) == {"added": ["cost"], "removed": ["speed"],
                                    "changed": [("access", ["label"]),
                                                ("warmth", ["examples", "keywords"])]}
    assert compare(BASE, BASE) == {"added": [], "removed": [], "changed": []}


# -- apply_change: storing a version and carrying codings -------------------------------------


def test_a_rename_moves_every_current_coding_and_keeps_where_it_was_made(coded):
    """Codings now belong to version 2 but still say they were made against version 1."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    before = {c.id: [t.theme for t in c.tags] for c in current_codings(first)}
    definition = edit_theme(first.definition, "tech_bugs", {"label": "Faults and outages"})
    second = apply_change(session, first.codebook, definition, actor=coded.users["lead"],
                          note="Rename", action="codebook.edit_theme")
    session.commit()
    moved = current_codings(fresh().get(CodebookVersion, second.id))
    assert {c.id: [t.theme for t in c.tags] for c in moved} == before
    assert all(c.made_against_version_id == first.id for c in moved)
    assert not current_codings(first)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "codebook.edit_theme"))
    assert (event.actor_id, event.before, event.after["version"]) == (
        coded.users["lead"].id, {"version": 1}, 2)


def test_a_merge_moves_tags_to_the_kept_theme(coded):
    """Tags of the absorbed theme now carry the kept theme and remember where they came from."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    fault = answer_with("The app kept logging me out")
    assert {t.theme for t in machine_coding_of(fault, first).tags} == {"tech_bugs"}
    definition = merge_themes(first.definition, "usability", ["tech_bugs"])
    second = apply_change(session, first.codebook, definition, actor=coded.users["lead"],
                          note="Fold faults in", action="codebook.merge",
                          renamed={"tech_bugs": "usability"})
    session.commit()
    fresh()
    coding = machine_coding_of(fault, second)
    assert [(t.theme, t.carried_from) for t in coding.tags] == [("usability", "tech_bugs")]
    assert coding.made_against_version_id == first.id and not coding.needs_review
    assert not session.scalar(select(func.count()).select_from(Tag)
                              .where(Tag.theme == "tech_bugs"))
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "codebook.merge"))
    assert event.after["merged"] == {"tech_bugs": "usability"} and event.after["version"] == 2


def test_a_merge_collapses_a_coding_s_two_tags_keeping_the_stronger(coded):
    """When both merged themes were in one coding, one tag stays: the higher-scored one."""
    session = db.session
    coding = next(c for v in current_versions(session, "patient") for c in current_codings(v)
                  if len(c.tags) >= 2)
    version = coding.codebook_version
    strong, weak = sorted(coding.tags, key=lambda t: -t.score)[:2]
    strong_theme, strong_score, weak_theme = strong.theme, strong.score, weak.theme
    assert strong_score > weak.score
    # Keep the weaker theme, so the survivor must be the carried (stronger) tag.
    definition = merge_themes(version.definition, weak_theme, [strong_theme])
    apply_change(session, version.codebook, definition, actor=coded.users["lead"],
                 note="Merge", action="codebook.merge", renamed={strong_theme: weak_theme})
    session.commit()
    tags = fresh().get(Coding, coding.id).tags
    merged = [t for t in tags if t.theme == weak_theme]
    assert len(merged) == 1
    assert (merged[0].score, merged[0].carried_from) == (strong_score, strong_theme)


def test_a_merge_collapses_a_person_s_duplicate_tags(coded):
    """A coder who applied both merged themes ends with one tag for the kept theme."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    answer = answer_with("The worksheets were clear")
    coding = save_coding(session, coded.users["coder"], answer, first,
                         [TagInput("usability", "facilitator"), TagInput("tech_bugs", "neutral")])
    session.commit()
    definition = merge_themes(first.definition, "usability", ["tech_bugs"])
    apply_change(session, first.codebook, definition, actor=coded.users["lead"], note="Merge",
                 action="codebook.merge", renamed={"tech_bugs": "usability"})
    session.commit()
    kept = fresh().get(Coding, coding.id)
    assert [(t.theme, t.polarity) for t in kept.tags] == [("usability", "facilitator")]
    assert kept.current and kept.made_against_version_id == first.id


def test_a_split_sends_each_tag_to_the_closer_part_and_flags_it(coded):
    """The engine's choice sends "kept logging me out" to login faults, marked for review."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    fault = answer_with("The app kept logging me out")
    definition = split_theme(first.definition, "tech_bugs", LOGIN_AND_CONTENT)
    second = apply_change(session, first.codebook, definition, actor=coded.users["lead"],
                          note="Split faults", action="codebook.split",
                          split=("tech_bugs", ["login_faults", "content_faults"]),
                          choose=choose_parts)
    session.commit()
    fresh()
    coding = machine_coding_of(fault, second)
    assert [(t.theme, t.carried_from) for t in coding.tags] == [("login_faults", "tech_bugs")]
    assert coding.needs_review and coding.made_against_version_id == first.id
    untouched = [c for c in current_codings(second) if c.answer_id != fault.id]
    assert not any(c.needs_review for c in untouched)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "codebook.split"))
    assert event.after["split"] == ["tech_bugs", ["login_faults", "content_faults"]]


def test_a_split_asks_the_chooser_about_each_tagged_passage(coded):
    """The chooser sees the new version, the passage each tag marks and the parts."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    asked = []

    def choose(version, passages, parts):
        """Record the question and send everything to the second part."""
        asked.append((version.number, sorted(passages), parts))
        return [parts[1]] * len(passages)

    tagged = sorted(t.coding.answer.value_text[t.span_start:t.span_end]
                    for c in current_codings(first) for t in c.tags if t.theme == "tech_bugs")
    definition = split_theme(first.definition, "tech_bugs", LOGIN_AND_CONTENT)
    apply_change(session, first.codebook, definition, actor=None, note="Split",
                 action="codebook.split", split=("tech_bugs", ["login_faults", "content_faults"]),
                 choose=choose)
    session.commit()
    assert asked == [(2, tagged, ["login_faults", "content_faults"])]
    assert {t.theme for t in fresh().scalars(select(Tag).where(
        Tag.carried_from == "tech_bugs"))} == {"content_faults"}


def test_a_split_without_a_chooser_leaves_no_tag_on_a_removed_theme(coded):
    """Every current tag names a theme of the version its coding belongs to."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    definition = split_theme(first.definition, "tech_bugs", LOGIN_AND_CONTENT)
    try:
        second = apply_change(session, first.codebook, definition, actor=None, note="Split",
                              action="codebook.split",
                              split=("tech_bugs", ["login_faults", "content_faults"]))
    except CodebookError:
        return  # refusing the change would be as good as carrying the tags
    session.commit()
    themes = {t.theme for c in current_codings(second) for t in c.tags}
    assert themes <= set(second.theme_ids)


def test_a_change_that_drops_a_used_theme_is_refused_and_stores_nothing(coded):
    """Removing tech_bugs outright would lose tags: refused, no version, no audit, no move."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    definition = {**first.definition,
                  "themes": [t for t in first.definition["themes"] if t["id"] != "tech_bugs"]}
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(CodebookError, match="Answers are coded with tech_bugs, which this change"):
        apply_change(session, first.codebook, definition, actor=coded.users["lead"],
                     note="Drop", action="codebook.edit")
    session.rollback()
    assert current_version(session, "icbt-implementation").id == first.id
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert len(current_codings(first)) == 8


def test_a_theme_only_a_person_used_is_protected_too(coded):
    """A human coding's theme counts as used even when the engine never proposed it."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    used = {t.theme for c in current_codings(first) for t in c.tags}
    spare = next(t for t in first.theme_ids if t not in used)
    save_coding(session, coded.users["coder"], answer_with("The worksheets"), first,
                [TagInput(spare, "neutral")])
    session.commit()
    definition = {**first.definition,
                  "themes": [t for t in first.definition["themes"] if t["id"] != spare]}
    with pytest.raises(CodebookError, match=f"coded with {spare},"):
        apply_change(session, first.codebook, definition, actor=None, note="Drop",
                     action="codebook.edit")


def test_an_unused_theme_may_be_dropped(coded):
    """A theme no current tag carries can go without a merge."""
    session = db.session
    first = current_version(session, "icbt-implementation")
    used = {t.theme for c in current_codings(first) for t in c.tags}
    spare = next(t for t in first.theme_ids if t not in used)
    definition = {**first.definition,
                  "themes": [t for t in first.definition["themes"] if t["id"] != spare]}
    second = apply_change(session, first.codebook, definition, actor=None, note="Drop",
                          action="codebook.edit")
    session.commit()
    assert spare not in second.theme_ids and len(current_codings(second)) == 8

