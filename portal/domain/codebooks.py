"""Codebooks as versioned data: load the files, check a definition, store versions."""

import re
import tomllib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain.audit import record
from portal.domain.instruments import content_hash
from portal.models import Codebook, CodebookVersion, User
from portal.models.instruments import STAKEHOLDER_GROUPS

CODEBOOK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
CODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
THEME_TEXT_FIELDS = ("label", "description", "include", "exclude")
THEME_LIST_FIELDS = ("examples", "keywords")
MAX_TEXT = 4000


class CodebookError(ValueError):
    """A codebook definition that cannot be used; the message names the element."""


def load_files(directory: Path) -> list[dict]:
    """Read and check every codebook under directory/codebooks, sorted by id."""
    definitions = []
    for path in sorted((directory / "codebooks").glob("*.toml")):
        with path.open("rb") as handle:
            try:
                definition = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise CodebookError(f"{path.name}: {error}") from None
        if definition.get("id") != path.stem:
            raise CodebookError(f"{path.name}: id must equal the file name ({path.stem})")
        definitions.append(validate(definition))
    return definitions


def validate(definition: dict) -> dict:
    """Return the definition if it is a usable codebook; raise CodebookError naming the fault."""
    where = definition.get("id", "codebook")
    if not isinstance(definition.get("id"), str) or not CODEBOOK_ID.match(definition["id"]):
        raise CodebookError(f"{where}: id must be lower-case letters, digits and '-'")
    for key in ("title", "description"):
        if not str(definition.get(key, "")).strip():
            raise CodebookError(f"{where}: {key} is required")
    groups = definition.get("groups") or []
    if not groups or any(g not in STAKEHOLDER_GROUPS for g in groups) or \
            len(set(groups)) != len(groups):
        raise CodebookError(f"{where}: groups must name stakeholder groups, without repeats")
    nodes, themes = definition.get("nodes", []), definition.get("themes", [])
    if not themes:
        raise CodebookError(f"{where}: a codebook needs at least one theme")
    seen: set[str] = set()
    for kind, entries in (("nodes", nodes), ("themes", themes)):
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                raise CodebookError(f"{where}: {kind}[{index}] must be a table")
    node_ids = {node.get("id") for node in nodes}
    for kind, entries in (("nodes", nodes), ("themes", themes)):
        for index, entry in enumerate(entries):
            element = f"{where}: {kind}[{index}] ({entry.get('id', '?')})"
            code_id = entry.get("id")
            if not isinstance(code_id, str) or not CODE_ID.match(code_id):
                raise CodebookError(f"{element}: id must be lower-case letters, digits and '_'")
            if code_id in seen:
                raise CodebookError(f"{element}: id {code_id} is used twice")
            seen.add(code_id)
            if not str(entry.get("label", "")).strip():
                raise CodebookError(f"{element}: label is required")
            parent = entry.get("parent", "")
            if parent and parent not in node_ids:
                raise CodebookError(f"{element}: parent {parent} is not a grouping node")
            for field in (*THEME_TEXT_FIELDS, "description"):
                if len(str(entry.get(field, ""))) > MAX_TEXT:
                    raise CodebookError(f"{element}: {field} is longer than {MAX_TEXT} characters")
            for field in THEME_LIST_FIELDS:
                values = entry.get(field, [])
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise CodebookError(f"{element}: {field} must be a list of strings")
    return definition


def sync_codebooks(session: Session, directory: Path) -> list[tuple[str, int, bool]]:
    """Store each shipped codebook that the database lacks; caller commits.

    A codebook already in the database is left alone, because leads edit it in the portal;
    its file is only the starting point.
    """
    results = []
    for definition in load_files(directory):
        codebook = session.scalar(select(Codebook).where(Codebook.key == definition["id"]))
        if codebook is not None:
            results.append((codebook.key, latest_number(session, codebook), False))
            continue
        codebook = Codebook(key=definition["id"], title=definition["title"])
        session.add(codebook)
        session.flush()
        add_version(session, codebook, definition, actor=None, note="Shipped with Uptake")
        results.append((codebook.key, 1, True))
    return results


def latest_number(session: Session, codebook: Codebook) -> int:
    """The newest version number of a codebook (0 when it has none)."""
    return session.scalar(select(func.coalesce(func.max(CodebookVersion.number), 0))
                          .where(CodebookVersion.codebook_id == codebook.id))


def add_version(session: Session, codebook: Codebook, definition: dict, *, actor: User | None,
                note: str) -> CodebookVersion:
    """Store definition as the codebook's next version and audit it; caller commits."""
    definition = validate(definition)
    if definition["id"] != codebook.key:
        raise CodebookError(f"This file is the codebook {definition['id']}, not {codebook.key}.")
    previous = current_version(session, codebook.key)
    if previous is not None and previous.content_hash == content_hash(definition):
        raise CodebookError("Nothing changed: the codebook is the same as its current version.")
    version = CodebookVersion(codebook_id=codebook.id, number=latest_number(session, codebook) + 1,
                              content_hash=content_hash(definition), definition=definition,
                              note=note[:300], created_by_id=actor.id if actor else None)
    codebook.title = definition["title"]
    session.add(version)
    session.flush()
    record(session, actor, "codebook.version", "codebook", codebook.id,
           before={"version": previous.number} if previous else None,
           after={"version": version.number, "note": version.note,
                  "themes": [t["id"] for t in definition["themes"]]})
    return version


def current_version(session: Session, key: str) -> CodebookVersion | None:
    """The newest version of the codebook with this key, or None."""
    return session.scalar(
        select(CodebookVersion).join(Codebook).where(Codebook.key == key)
        .order_by(CodebookVersion.number.desc()).limit(1))


def current_versions(session: Session, group: str | None = None) -> list[CodebookVersion]:
    """The newest version of every codebook (of those coding group's answers), by key."""
    newest = select(CodebookVersion.codebook_id, func.max(CodebookVersion.number).label("n")) \
        .group_by(CodebookVersion.codebook_id).subquery()
    versions = session.scalars(
        select(CodebookVersion).join(newest, (newest.c.codebook_id == CodebookVersion.codebook_id)
                                     & (newest.c.n == CodebookVersion.number))
        .join(Codebook).order_by(Codebook.key)).all()
    if group is None:
        return list(versions)
    return [v for v in versions if group in v.definition.get("groups", [])]


def theme(definition: dict, theme_id: str) -> dict | None:
    """The theme with this id in a definition, or None."""
    return next((t for t in definition["themes"] if t["id"] == theme_id), None)


def labels(definition: dict) -> dict[str, str]:
    """Theme and node labels by id."""
    return {entry["id"]: entry["label"] for entry in [*definition.get("nodes", []),
                                                      *definition["themes"]]}


def parent_of(definition: dict, theme_id: str) -> str:
    """The grouping node a theme sits under ('' at the top)."""
    found = theme(definition, theme_id)
    return found.get("parent", "") if found else ""
