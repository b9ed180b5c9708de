"""Load instruments from surveys/, check them, and record each change as a new version."""

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.answers import MAX_TEXT_LENGTH
from portal.models import Instrument, InstrumentVersion
from portal.models.instruments import STAKEHOLDER_GROUPS

ITEM_TYPES = ("text", "choice", "scale", "number")


class InstrumentError(ValueError):
    """An instrument file that cannot be used; the message names file and element."""


@dataclass(frozen=True)
class SyncResult:
    """What syncing did to one instrument."""

    key: str
    number: int
    created: bool


def load_definitions(directory: Path) -> list[dict]:
    """Read and resolve every instrument under directory/instruments, sorted by id."""
    scales = _read(directory / "scales.toml")
    definitions = []
    for path in sorted((directory / "instruments").glob("*.toml")):
        definitions.append(resolve(_read(path), path, scales, directory / "blocks"))
    return definitions


def resolve(raw: dict, path: Path, scales: dict, blocks_dir: Path) -> dict:
    """Turn one instrument file into a self-contained definition, or raise InstrumentError."""
    where = path.name
    key = _need(raw, "id", where)
    if key != path.stem:
        raise InstrumentError(f"{where}: id {key!r} must match the file name {path.stem!r}")
    group = _need(raw, "group", where)
    if group not in STAKEHOLDER_GROUPS:
        raise InstrumentError(
            f"{where}: group {group!r} is not one of {', '.join(STAKEHOLDER_GROUPS)}")
    if group == "patient" and not raw.get("consent"):
        raise InstrumentError(f"{where}: a patient instrument needs a consent statement")
    sections = []
    for index, section in enumerate(_need(raw, "sections", where)):
        if "use" in section:
            block = blocks_dir / f"{section['use']}.toml"
            if not block.exists():
                raise InstrumentError(f"{where}: sections[{index}] uses missing block {block.name}")
            section = _read(block)
        sections.append(_section(section, f"{where}: sections[{index}]", scales))
    seen: set[str] = set()
    for section in sections:
        for item in section["items"]:
            if item["id"] in seen:
                raise InstrumentError(f"{where}: item id {item['id']!r} appears twice")
            seen.add(item["id"])
    return {
        "id": key,
        "title": _need(raw, "title", where),
        "group": group,
        "intro": raw.get("intro", ""),
        "consent": raw.get("consent", ""),
        "estimated_minutes": int(raw.get("estimated_minutes", 5)),
        "sections": sections,
    }


def content_hash(definition: dict) -> str:
    """Hash a definition canonically, so any change in wording or structure shows."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sync_instruments(session: Session, directory: Path) -> list[SyncResult]:
    """Store a new version of every instrument whose definition changed; caller commits."""
    results = []
    for definition in load_definitions(directory):
        instrument = session.scalar(select(Instrument).where(Instrument.key == definition["id"]))
        if instrument is None:
            instrument = Instrument(key=definition["id"], stakeholder_group=definition["group"],
                                    title=definition["title"])
            session.add(instrument)
        elif instrument.stakeholder_group != definition["group"]:
            raise InstrumentError(f"{definition['id']}: the group of an instrument cannot change; "
                                  "make a new instrument instead")
        digest = content_hash(definition)
        latest = instrument.versions[-1] if instrument.versions else None
        if latest is not None and latest.content_hash == digest:
            results.append(SyncResult(instrument.key, latest.number, created=False))
            continue
        instrument.title = definition["title"]
        number = latest.number + 1 if latest else 1
        instrument.versions.append(
            InstrumentVersion(number=number, content_hash=digest, definition=definition)
        )
        results.append(SyncResult(instrument.key, number, created=True))
    session.flush()
    return results


def current_version(session: Session, instrument: Instrument) -> InstrumentVersion:
    """The newest version of an instrument, loaded on its own."""
    return session.scalars(
        select(InstrumentVersion).where(InstrumentVersion.instrument_id == instrument.id)
        .order_by(InstrumentVersion.number.desc()).limit(1)).one()


def items(definition: dict) -> list[dict]:
    """Return every item of a definition in order."""
    return [item for section in definition["sections"] for item in section["items"]]


_TEXT_ITEMS: dict[str, frozenset[str]] = {}


def text_item_ids(version: InstrumentVersion) -> frozenset[str]:
    """The open-text item ids of a version, worked out once per version."""
    found = _TEXT_ITEMS.get(version.content_hash)
    if found is None:
        found = frozenset(i["id"] for i in items(version.definition) if i["type"] == "text")
        _TEXT_ITEMS[version.content_hash] = found
    return found


def _section(raw: dict, where: str, scales: dict) -> dict:
    """Check one section and resolve its items."""
    section_items = [_item(item, f"{where}.items[{i}]", scales)
                     for i, item in enumerate(_need(raw, "items", where))]
    min_answered = int(raw.get("min_answered", 0))
    if not 0 <= min_answered <= len(section_items):
        raise InstrumentError(f"{where}: min_answered must be between 0 and the number of items")
    return {
        "id": _need(raw, "id", where),
        "title": _need(raw, "title", where),
        "intro": raw.get("intro", ""),
        "optional": bool(raw.get("optional", False)),
        "min_answered": min_answered,
        "items": section_items,
    }


def _item(raw: dict, where: str, scales: dict) -> dict:
    """Check one item and copy its scale's points into it."""
    item_id = _need(raw, "id", where)
    where = f"{where} ({item_id})"
    kind = _need(raw, "type", where)
    if kind not in ITEM_TYPES:
        raise InstrumentError(f"{where}: type {kind!r} is not one of {', '.join(ITEM_TYPES)}")
    item = {
        "id": item_id,
        "type": kind,
        "prompt": _need(raw, "prompt", where),
        "help": raw.get("help", ""),
        "required": bool(raw.get("required", False)),
        "construct": raw.get("construct", ""),
    }
    if kind == "text":
        item["max_length"] = int(raw.get("max_length", MAX_TEXT_LENGTH))
        item["rows"] = int(raw.get("rows", 5))
        if not 1 <= item["max_length"] <= MAX_TEXT_LENGTH:
            raise InstrumentError(f"{where}: max_length must be 1 to {MAX_TEXT_LENGTH}")
    elif kind == "choice":
        item["options"] = _options(_need(raw, "options", where), where)
    elif kind == "scale":
        name = _need(raw, "scale", where)
        if name not in scales:
            raise InstrumentError(f"{where}: scale {name!r} is not defined in scales.toml")
        scale = scales[name]
        item["scale"] = name
        item["options"] = _options(scale["points"], f"scales.toml [{name}]")
        item["not_relevant"] = _options(scale.get("not_relevant", []), f"scales.toml [{name}]")
    elif kind == "number":
        item["min"], item["max"] = int(_need(raw, "min", where)), int(_need(raw, "max", where))
        if item["min"] > item["max"]:
            raise InstrumentError(f"{where}: min is above max")
    return item


def _options(raw: list, where: str) -> list[dict]:
    """Check a list of {value, label} options."""
    options = [{"value": _need(o, "value", where), "label": _need(o, "label", where)} for o in raw]
    values = [o["value"] for o in options]
    if len(set(values)) != len(values):
        raise InstrumentError(f"{where}: option values must be unique")
    return options


def _need(raw: dict, key: str, where: str):
    """Return raw[key] or raise an error naming where it is missing."""
    if key not in raw or raw[key] in ("", None, []):
        raise InstrumentError(f"{where}: {key!r} is missing")
    return raw[key]


def _read(path: Path) -> dict:
    """Parse a TOML file, naming it in the error."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise InstrumentError(f"{path.name}: {error}") from error
