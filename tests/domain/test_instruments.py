"""Instrument loading, checking and versioning."""

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.config import REPO_ROOT
from portal.domain.instruments import (
    InstrumentError,
    content_hash,
    items,
    load_definitions,
    sync_instruments,
)
from portal.extensions import db
from portal.models import Instrument

SURVEYS = REPO_ROOT / "surveys"


def test_shipped_instruments_cover_every_group():
    """One instrument per stakeholder group, each with open questions."""
    definitions = {d["id"]: d for d in load_definitions(SURVEYS)}
    assert {d["group"] for d in definitions.values()} == {"therapist", "service_manager",
                                                          "vendor", "patient"}
    for definition in definitions.values():
        assert any(i["type"] == "text" for i in items(definition))


@pytest.mark.parametrize("key", ["therapist", "service-manager", "vendor"])
def test_staff_instruments_have_the_twelve_oric_items(key):
    """ORIC: 5 change commitment and 7 change efficacy items on a 5-point scale."""
    definition = next(d for d in load_definitions(SURVEYS) if d["id"] == key)
    oric = [i for i in items(definition) if i["id"].startswith("oric_")]
    constructs = [i["construct"] for i in oric]
    assert len(oric) == 12
    assert constructs.count("change_commitment") == 5
    assert constructs.count("change_efficacy") == 7
    assert all([o["value"] for o in i["options"]] == [1, 2, 3, 4, 5] for i in oric)


@pytest.mark.parametrize("key", ["therapist", "service-manager"])
def test_nomad_is_an_optional_section(key):
    """NoMAD: 20 construct items in four constructs plus three 0-10 items."""
    definition = next(d for d in load_definitions(SURVEYS) if d["id"] == key)
    section = next(s for s in definition["sections"] if s["id"] == "nomad")
    constructs = [i["construct"] for i in section["items"]]
    assert section["optional"] and section["min_answered"] == 0
    assert [constructs.count(c) for c in ("coherence", "cognitive_participation",
                                          "collective_action", "reflexive_monitoring",
                                          "general")] == [4, 4, 7, 5, 3]
    assert all(not i["required"] for i in section["items"])


def test_patient_instrument_is_coarse_and_has_consent():
    """Patients get a consent statement and no free-text background questions."""
    definition = next(d for d in load_definitions(SURVEYS) if d["id"] == "patient")
    background = next(s for s in definition["sections"] if s["id"] == "background")
    assert definition["consent"]
    assert all(i["type"] == "choice" for i in background["items"])
    assert not any(i["id"].startswith(("oric_", "nomad_")) for i in items(definition))


def _copy_surveys(tmp_path: Path) -> Path:
    """Copy the shipped surveys to a scratch folder for editing."""
    import shutil

    target = tmp_path / "surveys"
    shutil.copytree(SURVEYS, target)
    return target


def test_a_changed_instrument_gets_a_new_version_and_old_responses_keep_theirs(app, tmp_path):
    """Editing a prompt adds version 2; syncing again changes nothing."""
    surveys = _copy_surveys(tmp_path)
    path = surveys / "instruments" / "patient.toml"
    path.write_text(path.read_text().replace('title = "', 'title = "Revised: ', 1))
    results = {r.key: r for r in sync_instruments(db.session, surveys)}
    db.session.commit()
    assert results["patient"].created and results["patient"].number == 2
    assert not results["therapist"].created
    patient = db.session.scalar(select(Instrument).where(Instrument.key == "patient"))
    assert [v.number for v in patient.versions] == [1, 2]
    assert patient.versions[0].definition["title"] != patient.current.definition["title"]
    assert not any(r.created for r in sync_instruments(db.session, surveys))


def test_hash_ignores_key_order_but_not_wording():
    """The version hash is canonical."""
    assert content_hash({"a": 1, "b": "x"}) == content_hash({"b": "x", "a": 1})
    assert content_hash({"a": 1, "b": "x"}) != content_hash({"a": 1, "b": "y"})


@pytest.mark.parametrize(("edit", "message"), [
    (('type = "text"', 'type = "essay"'), "type 'essay' is not one of"),
    (('group = "patient"', 'group = "visitor"'), "group 'visitor'"),
    (('id = "support_experience"', 'id = "helped"'), "appears twice"),
])
def test_a_broken_instrument_names_file_and_element(tmp_path, edit, message):
    """Load errors say which file and element is wrong."""
    surveys = _copy_surveys(tmp_path)
    path = surveys / "instruments" / "patient.toml"
    old, new = edit
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(InstrumentError, match=message) as error:
        load_definitions(surveys)
    assert "patient.toml" in str(error.value)
