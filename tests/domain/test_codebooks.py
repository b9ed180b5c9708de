"""Codebooks as versioned data: the shipped files, validation, syncing and new versions."""

import copy

import pytest
from sqlalchemy import func, select

from portal.config import REPO_ROOT
from portal.domain.codebooks import (
    CodebookError,
    add_version,
    current_version,
    current_versions,
    labels,
    load_files,
    parent_of,
    sync_codebooks,
    validate,
)
from portal.extensions import db
from portal.models import AuditEvent, Codebook, CodebookVersion

SURVEYS = REPO_ROOT / "surveys"
SHIPPED = ["icbt-implementation", "therapist-support", "working-alliance"]


def minimal(**changes) -> dict:
    """A small valid codebook, with top-level keys replaced by changes."""
    definition = {
        "id": "mini", "title": "Mini", "description": "A codebook for tests.",
        "groups": ["patient"],
        "nodes": [{"id": "care", "label": "Care"}],
        "themes": [{"id": "warmth", "label": "Warmth", "parent": "care"},
                   {"id": "speed", "label": "Speed", "parent": ""}],
    }
    definition.update(changes)
    return definition


def with_theme(**fields) -> dict:
    """The minimal codebook whose first theme has fields replaced."""
    definition = minimal()
    definition["themes"][0].update(fields)
    return definition


def edited(version: CodebookVersion, label: str) -> dict:
    """The version's definition with the first theme relabelled."""
    definition = copy.deepcopy(version.definition)
    definition["themes"][0]["label"] = label
    return definition


def test_the_shipped_files_load_and_validate():
    """Every shipped codebook loads, sorted by id, and passes its own check unchanged."""
    definitions = load_files(SURVEYS)
    assert [d["id"] for d in definitions] == SHIPPED
    for definition in definitions:
        assert validate(definition) is definition
        assert definition["themes"] and set(definition["groups"]) <= {
            "therapist", "service_manager", "vendor", "patient"}


def test_the_shipped_theme_ids_are_unique_across_nodes_and_themes():
    """A theme id never repeats a node id, so a tag names one thing."""
    for definition in load_files(SURVEYS):
        ids = [e["id"] for e in [*definition.get("nodes", []), *definition["themes"]]]
        assert len(ids) == len(set(ids)), definition["id"]


def test_a_file_whose_id_is_not_its_name_is_refused(tmp_path):
    """The file name and the id must agree, and the message names the file."""
    folder = tmp_path / "codebooks"
    folder.mkdir()
    (folder / "other.toml").write_text('id = "mini"\ntitle = "Mini"\n')
    with pytest.raises(CodebookError, match=r"other\.toml: id must equal the file name"):
        load_files(tmp_path)


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path):
    """A syntax error comes back as a CodebookError naming the file."""
    folder = tmp_path / "codebooks"
    folder.mkdir()
    (folder / "mini.toml").write_text('id = "mini\n')
    with pytest.raises(CodebookError, match=r"^mini\.toml: "):
        load_files(tmp_path)


def test_a_minimal_codebook_is_valid():
    """The test's own minimal definition passes, so each breakage below is the only fault."""
    assert validate(minimal())["id"] == "mini"


@pytest.mark.parametrize(("definition", "message"), [
    (minimal(id="Mini"), r"^Mini: id must be lower-case"),
    (minimal(id="mini_book"), r"id must be lower-case letters, digits and '-'"),
    ({k: v for k, v in minimal().items() if k != "id"}, r"^codebook: id must be"),
    (minimal(title=" "), r"^mini: title is required"),
    (minimal(description=""), r"^mini: description is required"),
    (minimal(groups=[]), r"^mini: groups must name stakeholder groups"),
    (minimal(groups=["patients"]), r"^mini: groups must name stakeholder groups"),
    (minimal(groups=["patient", "patient"]), r"without repeats"),
    (minimal(themes=[]), r"^mini: a codebook needs at least one theme"),
    (with_theme(id="Warmth"), r"^mini: themes\[0\] \(Warmth\): id must be lower-case"),
    (with_theme(id="warm-th"), r"themes\[0\] \(warm-th\): id must be"),
    (with_theme(id="speed"), r"^mini: themes\[1\] \(speed\): id speed is used twice"),
    (with_theme(id="care"), r"^mini: themes\[0\] \(care\): id care is used twice"),
    (with_theme(parent="nowhere"),
     r"^mini: themes\[0\] \(warmth\): parent nowhere is not a grouping node"),
    (with_theme(parent="speed"), r"themes\[0\] \(warmth\): parent speed is not a grouping node"),
    (with_theme(label="  "), r"^mini: themes\[0\] \(warmth\): label is required"),
    (with_theme(description="x" * 4001), r"themes\[0\] \(warmth\): description is longer"),
    (with_theme(keywords="warm"), r"themes\[0\] \(warmth\): keywords must be a list of strings"),
    (with_theme(examples=["fine", 3]), r"themes\[0\] \(warmth\): examples must be a list"),
    (minimal(nodes=[{"id": "care", "label": ""}]), r"^mini: nodes\[0\] \(care\): label is"),
])
def test_validate_refuses_a_broken_definition_naming_the_element(definition, message):
    """Each fault raises CodebookError whose message says where it is."""
    with pytest.raises(CodebookError, match=message):
        validate(definition)


def test_validate_refuses_a_theme_that_is_not_a_table():
    """A theme written as a bare string is a CodebookError naming it, not a crash."""
    with pytest.raises(CodebookError, match=r"themes\[2\]"):
        validate(minimal(themes=[*minimal()["themes"], "loose"]))


def test_sync_seeds_each_codebook_once(app):
    """The app fixture has synced once; a second sync adds nothing and reports no change."""
    session = db.session
    results = sync_codebooks(session, SURVEYS)
    session.commit()
    assert results == [(key, 1, False) for key in SHIPPED]
    assert session.scalar(select(func.count()).select_from(CodebookVersion)) == 3
    assert session.scalar(select(func.count()).select_from(Codebook)) == 3
    shipped = session.scalars(select(AuditEvent).where(AuditEvent.action == "codebook.version"))
    assert sorted(e.after["version"] for e in shipped) == [1, 1, 1]


def test_sync_leaves_an_edited_codebook_alone(world):
    """A lead's version 2 survives a later sync: the file is only the starting point."""
    session = db.session
    first = current_version(session, "working-alliance")
    add_version(session, first.codebook, edited(first, "Being understood"),
                actor=world.users["lead"], note="Plainer label")
    session.commit()
    results = sync_codebooks(session, SURVEYS)
    session.commit()
    assert ("working-alliance", 2, False) in results
    now = current_version(session, "working-alliance")
    assert now.number == 2 and now.definition["themes"][0]["label"] == "Being understood"


def test_add_version_refuses_an_unchanged_definition(world):
    """Storing the current definition again is refused and stores nothing."""
    session = db.session
    version = current_version(session, "icbt-implementation")
    with pytest.raises(CodebookError, match="Nothing changed"):
        add_version(session, version.codebook, copy.deepcopy(version.definition),
                    actor=world.users["lead"], note="Again")
    session.rollback()
    assert current_version(session, "icbt-implementation").number == 1


def test_add_version_refuses_another_codebooks_definition(world):
    """A definition keeps to its own codebook."""
    session = db.session
    version = current_version(session, "icbt-implementation")
    other = current_version(session, "working-alliance").definition
    with pytest.raises(CodebookError, match="is the codebook working-alliance, not icbt"):
        add_version(session, version.codebook, other, actor=world.users["lead"], note="Wrong")


def test_add_version_stores_the_next_number_and_audits_it(world):
    """A changed definition becomes version 2, names its author and is audited."""
    session = db.session
    lead = world.users["lead"]
    first = current_version(session, "therapist-support")
    definition = edited(first, "Feeling empowered")
    definition["title"] = "Therapist support, revised"
    version = add_version(session, first.codebook, definition, actor=lead, note="Relabel")
    session.commit()
    assert (version.number, version.note, version.created_by_id) == (2, "Relabel", lead.id)
    assert version.content_hash != first.content_hash
    assert current_version(session, "therapist-support").id == version.id
    assert first.codebook.title == "Therapist support, revised"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "codebook.version")
                            .order_by(AuditEvent.id.desc())).first()
    assert (event.actor_id, event.subject_type, event.subject_id) == (lead.id, "codebook",
                                                                       first.codebook_id)
    assert event.before == {"version": 1}
    assert event.after == {"version": 2, "note": "Relabel", "themes": first.theme_ids}


def test_add_version_validates_first(world):
    """A broken definition is refused before anything is stored."""
    session = db.session
    version = current_version(session, "therapist-support")
    definition = edited(version, "")
    with pytest.raises(CodebookError, match="label is required"):
        add_version(session, version.codebook, definition, actor=None, note="Broken")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(CodebookVersion)) == 3


@pytest.mark.parametrize(("group", "keys"), [
    (None, SHIPPED), ("patient", SHIPPED), ("therapist", ["icbt-implementation"]),
    ("vendor", ["icbt-implementation"]), ("service_manager", ["icbt-implementation"])])
def test_current_versions_by_group(app, group, keys):
    """Patients are coded by all three codebooks; staff only by icbt-implementation."""
    assert [v.codebook.key for v in current_versions(db.session, group)] == keys


def test_current_versions_follow_the_newest(world):
    """After a new version, the newest is the one returned, for that codebook only."""
    session = db.session
    first = current_version(session, "working-alliance")
    second = add_version(session, first.codebook, edited(first, "Understood"), actor=None,
                         note="")
    session.commit()
    numbers = {v.codebook.key: v.number for v in current_versions(session)}
    assert numbers == {"icbt-implementation": 1, "therapist-support": 1, "working-alliance": 2}
    assert current_version(session, "working-alliance").id == second.id
    assert current_version(session, "no-such-codebook") is None


def test_labels_and_parents_read_a_definition():
    """Labels cover nodes and themes; a theme's parent is its grouping node."""
    definition = minimal()
    assert labels(definition) == {"care": "Care", "warmth": "Warmth", "speed": "Speed"}
    assert (parent_of(definition, "warmth"), parent_of(definition, "speed"),
            parent_of(definition, "nothing")) == ("care", "", "")

