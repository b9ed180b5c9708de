"""A lead's changes to a codebook: add, rename, edit, merge, split, each as a new version.

Each change is a pure function from one definition to the next, plus ``apply_change``, which
stores the new version and carries existing codings into it: tags of merged themes move to
the theme that absorbed them, and tags of a split theme go to the part whose wording their
passage is closest to, flagged for a person to check.
"""

import copy
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.domain.audit import record
from portal.domain.codebooks import CodebookError, add_version, current_version, theme
from portal.domain.rollups import rebuild
from portal.models import Codebook, CodebookVersion, Coding, Tag, User

EDITABLE = ("label", "description", "include", "exclude", "examples", "keywords", "parent",
            "cfir_domain", "cfir_construct")


def add_theme(definition: dict, new: dict) -> dict:
    """Add a taggable theme."""
    result = copy.deepcopy(definition)
    entry = {"id": new["id"], "label": new["label"], "parent": new.get("parent", ""),
             "description": new.get("description", ""), "include": new.get("include", ""),
             "exclude": new.get("exclude", ""), "examples": list(new.get("examples", [])),
             "keywords": list(new.get("keywords", []))}
    result["themes"].append(entry)
    return result


def edit_theme(definition: dict, theme_id: str, changes: dict) -> dict:
    """Change a theme's label (a rename: the id stays) or its coder-facing text."""
    result = copy.deepcopy(definition)
    found = _need(result, theme_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise CodebookError(f"{', '.join(sorted(unknown))} cannot be changed here.")
    found.update(copy.deepcopy(changes))
    return result


def merge_themes(definition: dict, keep: str, absorbed: list[str]) -> dict:
    """Fold themes into one; their examples and keywords join the one kept."""
    if not absorbed or keep in absorbed:
        raise CodebookError("Choose at least one other theme to merge into the one kept.")
    result = copy.deepcopy(definition)
    target = _need(result, keep)
    for theme_id in absorbed:
        gone = _need(result, theme_id)
        for field in ("examples", "keywords"):
            target[field] = list(dict.fromkeys([*target.get(field, []), *gone.get(field, [])]))
        result["themes"].remove(gone)
    return result


def split_theme(definition: dict, theme_id: str, parts: list[dict]) -> dict:
    """Replace one theme by two or more; a part may reuse the old id."""
    if len(parts) < 2:
        raise CodebookError("A split needs at least two parts.")
    result = copy.deepcopy(definition)
    old = _need(result, theme_id)
    index = result["themes"].index(old)
    result["themes"].remove(old)
    new_entries = []
    for part in parts:
        entry = {"parent": old.get("parent", ""), "include": "", "exclude": "",
                 "examples": [], "keywords": [], **copy.deepcopy(part)}
        new_entries.append(entry)
    result["themes"][index:index] = new_entries
    return result


def _need(definition: dict, theme_id: str) -> dict:
    """The theme with this id, or a CodebookError naming it."""
    found = theme(definition, theme_id)
    if found is None:
        raise CodebookError(f"There is no theme {theme_id} in this codebook.")
    return found


Chooser = Callable[[CodebookVersion, list[str], list[str]], list[str]]


def apply_change(session: Session, codebook: Codebook, definition: dict, *, actor: User | None,
                 note: str, action: str, renamed: dict[str, str] | None = None,
                 split: tuple[str, list[str]] | None = None,
                 choose: Chooser | None = None) -> CodebookVersion:
    """Store a changed definition as a new version and carry current codings into it.

    ``renamed`` maps old theme ids to the id their tags now carry (a merge). ``split`` names
    the theme split and its parts; ``choose(version, passages, parts)`` picks a part for each
    passage (the engine's best guess); those codings are flagged for review.
    """
    new_ids = {t["id"] for t in definition["themes"]}
    targets = set((renamed or {}).values()) | set(split[1] if split else ())
    if targets - new_ids:
        raise CodebookError(f"{', '.join(sorted(targets - new_ids))} is not a theme of the "
                            "changed codebook.")
    if split and choose is None:
        raise CodebookError("A split needs the engine to choose where its tags go.")
    previous = current_version(session, codebook.key)
    if previous is not None:
        _check_nothing_orphaned(session, previous, definition, renamed, split)
    version = add_version(session, codebook, definition, actor=actor, note=note)
    record(session, actor, action, "codebook", codebook.id,
           before={"version": previous.number if previous else None},
           after={"version": version.number, "note": note,
                  "merged": renamed or None, "split": list(split) if split else None})
    if previous is None:
        return version
    codings = session.scalars(select(Coding).where(
        Coding.codebook_version_id == previous.id, Coding.current.is_(True))
        .options(selectinload(Coding.tags), selectinload(Coding.answer))).all()
    split_tags = []
    for coding in codings:
        coding.codebook_version_id = version.id
        seen: dict[str, object] = {}
        for tag in list(coding.tags):
            if renamed and tag.theme in renamed:
                tag.carried_from, tag.theme = tag.theme, renamed[tag.theme]
            if split and tag.theme == split[0]:
                split_tags.append(tag)
                coding.needs_review = True
                continue
            if tag.theme in seen:  # a merge made two tags the same theme: keep the stronger
                other = seen[tag.theme]
                weaker = tag if (tag.score or 0) <= (other.score or 0) else other
                coding.tags.remove(weaker)
                seen[tag.theme] = other if weaker is tag else tag
            else:
                seen[tag.theme] = tag
    if split_tags and choose is not None:
        passages = [_passage(t) for t in split_tags]
        for tag, part in zip(split_tags, choose(version, passages, split[1]), strict=True):
            tag.carried_from, tag.theme = tag.theme, part
    session.flush()
    # Every current coding moved: recount both versions rather than tracking each tag.
    rebuild(session, [previous.id, version.id], scores=False)
    return version


def _check_nothing_orphaned(session: Session, previous: CodebookVersion, definition: dict,
                            renamed: dict[str, str] | None,
                            split: tuple[str, list[str]] | None) -> None:
    """Refuse a change that would drop themes existing tags carry, instead of losing them."""
    used = set(session.scalars(select(Tag.theme).distinct().join(Coding).where(
        Coding.codebook_version_id == previous.id, Coding.current.is_(True))))
    kept = {t["id"] for t in definition["themes"]} | set(renamed or {}) | \
        ({split[0]} if split else set())
    orphaned = sorted(used - kept)
    if orphaned:
        raise CodebookError(f"Answers are coded with {', '.join(orphaned)}, which this change "
                            "removes; merge those themes into others first.")


def _passage(tag) -> str:
    """The text a tag points at (the whole answer when it has no span)."""
    text = tag.coding.answer.value_text or ""
    if tag.span_start is not None and tag.span_end:
        return text[tag.span_start:tag.span_end] or text
    return text


def compare(before: dict, after: dict) -> dict:
    """What changed between two versions: themes added, removed, and fields changed."""
    old = {t["id"]: t for t in before["themes"]}
    new = {t["id"]: t for t in after["themes"]}
    changed = []
    for theme_id in new.keys() & old.keys():
        fields = sorted(k for k in set(old[theme_id]) | set(new[theme_id])
                        if old[theme_id].get(k) != new[theme_id].get(k))
        if fields:
            changed.append((theme_id, fields))
    return {"added": [i for i in new if i not in old], "removed": [i for i in old if i not in new],
            "changed": sorted(changed)}
