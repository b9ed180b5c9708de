"""REFI-QDA codebook exchange: write our codebooks as .qdc files and read .qdc files back.

Export maps nodes to non-codable <Code> elements and themes to codable ones nested in
their parent. REFI-QDA has no slot for our ids, notes, examples, keywords, CFIR mapping
or levels, so each Description carries them as labelled blocks a coder can read, ending
with "Uptake level: theme (Theme)" and "Uptake id: tech_bugs" lines that the import
uses to recover them exactly. Codebook-level fields (title, description, groups,
polarity, source) have no place in the format and do not round-trip.

Import takes any schema-valid .qdc. A tree whose leaves all sit at the same depth (two
or more) keeps its levels. A ragged or flat tree is folded into two levels: top-level
codes with sub-codes become nodes, every codable code below them becomes a theme of its
top-level ancestor (intermediate names are kept in the label, "Middle › Leaf"), and
codable top-level codes without sub-codes go under an "Ungrouped codes" node. Empty
non-codable codes, Sets and colours are not imported; the returned "source" says so.
"""

import re
import threading
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

NAMESPACE = "urn:QDA-XML:codebook:1.0"
# Fixed for good: changing it would give every exported code a new GUID.
GUID_NAMESPACE = uuid.UUID("5bb40b8d-3ec8-4e23-a1a3-93696064c01b")
SCHEMA_PATH = Path(__file__).with_name("schemas") / "Codebook.xsd"
MAX_QDC_BYTES = 5 * 1024 * 1024
ORIGIN = "Uptake"
CODE_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")  # as in portal.domain.codebooks
PATH_SEPARATOR = " › "
DEFAULT_LEVELS = (("category", "Category"), ("theme", "Theme"))

_Q = f"{{{NAMESPACE}}}"
_META = re.compile(r"(?:\A|\n\n)(?:Uptake level: (?P<level>[a-z][a-z0-9_]*) \((?P<label>.*)\)\n)?"
                   r"Uptake id: (?P<id>\S+)\s*\Z")
_SECTION = re.compile(r"(?:\A|\n\n)(?P<key>Include|Exclude|Examples|Keywords|CFIR domain|"
                      r"CFIR construct):(?: |(?=\n))|\n(?P<next>CFIR construct): ")
_local = threading.local()


class QdcError(ValueError):
    """A .qdc file (or an export) that cannot be used; names the failing element and line."""

    def __init__(self, message: str, element: str, line: int | None = None) -> None:
        self.message, self.element, self.line = message, element, line
        where = f"{element}, line {line}" if line else element
        super().__init__(f"{where}: {message}")


@dataclass
class _Code:
    """One <Code> element as read from a file."""

    element: etree._Element
    name: str
    codable: bool
    text: str
    where: str
    depth: int
    children: list["_Code"] = field(default_factory=list)
    id: str = ""
    level: tuple[str, str] | None = None
    fields: dict = field(default_factory=dict)


def theme_guid(codebook_id: str, code_id: str) -> str:
    """The stable GUID (UUIDv5) of a node or theme, the same on every export."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{codebook_id}/{code_id}"))


def export_qdc(definition: dict) -> bytes:
    """A codebook definition as a schema-valid REFI-QDA .qdc document (UTF-8 bytes)."""
    nodes, themes = definition.get("nodes", []), definition.get("themes", [])
    levels = {level["id"]: (level["id"], level["label"]) for level in definition["levels"]}
    last = tuple(levels.values())[-1] if levels else None
    children: dict[str, list[tuple[dict, bool]]] = {}
    seen: set[str] = set()
    for kind, entries, codable in (("nodes", nodes, False), ("themes", themes, True)):
        for index, entry in enumerate(entries):
            if entry["id"] in seen:
                raise QdcError(f"id {entry['id']} is used twice", f"{kind}[{index}]")
            seen.add(entry["id"])
            children.setdefault(entry.get("parent", ""), []).append((entry, codable))
    root = etree.Element(_Q + "CodeBook", nsmap={None: NAMESPACE}, origin=ORIGIN)
    placed: set[str] = set()
    _add_codes(etree.SubElement(root, _Q + "Codes"), "", children, definition["id"], levels,
               last, placed)
    for kind, entries in (("nodes", nodes), ("themes", themes)):
        for index, entry in enumerate(entries):
            if entry["id"] not in placed:  # a missing parent or a cycle of parents
                raise QdcError(f"parent {entry.get('parent')!r} is not a node reachable from "
                               "the top", f"{kind}[{index}] ({entry['id']})")
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    _check_schema(_parse(data))  # never hand out a file other tools would reject
    return data


def import_qdc(data: bytes, *, codebook_id: str = "imported",
               title: str = "Imported codebook") -> dict:
    """A codebook definition read from .qdc bytes; raises QdcError rather than return part."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("import_qdc expects bytes")
    if len(data) > MAX_QDC_BYTES:
        raise QdcError(f"file is larger than {MAX_QDC_BYTES // (1024 * 1024)} MB", "file")
    tree = _parse(bytes(data))
    _check_schema(tree)
    root = tree.getroot()
    codes = [_read(el, 1, f"CodeBook/Codes/Code[{index}]")
             for index, el in enumerate(root.find(_Q + "Codes").iterfind(_Q + "Code"), 1)]
    _check_codes(codes)
    notes: list[str] = []
    codes, dropped = _prune(codes)
    if dropped:
        notes.append(f"{dropped} empty grouping code(s)")
    if not codes:
        raise QdcError("the codebook has no codable codes", "CodeBook/Codes",
                       root.find(_Q + "Codes").sourceline)
    depths = {c.depth for c in _walk(codes) if not c.children}
    if len(depths) == 1 and min(depths) >= 2:
        levels, nodes, themes = _layered(codes, min(depths))
    else:
        levels, nodes, themes = _folded(codes)
    _assign_ids(nodes, themes)
    flags = sum(code.codable for code, _, _ in nodes)
    if flags:
        notes.append(f"the codable flag of {flags} code(s) with sub-codes (now grouping nodes)")
    sets = root.find(_Q + "Sets")
    if sets is not None:
        notes.append(f"{len(sets)} set(s)")
    origin = root.get("origin") or "an unknown tool"
    source = f"Imported from a REFI-QDA codebook (.qdc) written by {origin}."
    if notes:
        source += " Not imported: " + "; ".join(notes) + "."
    return {
        "id": codebook_id, "title": title,
        "description": "Imported from a REFI-QDA codebook (.qdc).",
        "groups": [], "polarity": False, "source": source,
        "levels": [{"id": i, "label": label} for i, label in levels],
        "nodes": [_node_dict(c, parent, level) for c, parent, level in nodes],
        "themes": [_theme_dict(c, parent, label) for c, parent, label in themes],
    }


# --- export helpers ---------------------------------------------------------------------


def _add_codes(parent_el: etree._Element, parent_id: str, children: dict, codebook_id: str,
               levels: dict, last: tuple | None, placed: set[str]) -> None:
    """Append the codes under parent_id as <Code> elements, recording the ids placed."""
    for entry, codable in children.get(parent_id, []):
        element = etree.SubElement(parent_el, _Q + "Code", guid=theme_guid(codebook_id,
                                   entry["id"]), name=entry["label"],
                                   isCodable="true" if codable else "false")
        level = last if codable else levels.get(entry.get("level", ""))
        etree.SubElement(element, _Q + "Description").text = _compose(entry, codable, level)
        placed.add(entry["id"])
        if not codable:
            _add_codes(element, entry["id"], children, codebook_id, levels, last, placed)


def _compose(entry: dict, codable: bool, level: tuple | None) -> str:
    """The coder-readable Description text, with the id and level lines the import reads."""
    blocks = [entry["description"]] if entry.get("description") else []
    if codable:
        for key, label in (("include", "Include"), ("exclude", "Exclude")):
            if entry.get(key):
                blocks.append(f"{label}: {entry[key]}")
        if entry.get("examples"):
            blocks.append("Examples:" + _bullets(entry["examples"]))
        keywords = entry.get("keywords") or []
        if any(";" in k or "\n" in k or k != k.strip() or not k for k in keywords):
            blocks.append("Keywords:" + _bullets(keywords))  # "; " would not split back
        elif keywords:
            blocks.append("Keywords: " + "; ".join(keywords))
        cfir = [f"CFIR {name}: {entry[f'cfir_{name}']}" for name in ("domain", "construct")
                if entry.get(f"cfir_{name}")]
        if cfir:
            blocks.append("\n".join(cfir))
    meta = [f"Uptake level: {level[0]} ({level[1]})"] if level else []
    blocks.append("\n".join([*meta, f"Uptake id: {entry['id']}"]))
    return "\n\n".join(blocks)


def _bullets(items: list[str]) -> str:
    """Items as "- " lines, continuation lines indented so they parse back."""
    return "".join("\n- " + item.replace("\n", "\n  ") for item in items)


# --- import helpers ---------------------------------------------------------------------


def _parse(data: bytes) -> etree._ElementTree:
    """Parse without entities, network or huge trees; reject any DOCTYPE (XXE, entity bombs)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, dtd_validation=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise QdcError(f"not well-formed XML: {error.msg}", "XML document",
                       error.lineno) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        at = data.find(b"<!DOCTYPE")
        raise QdcError("DOCTYPE and entity declarations are not allowed",
                       f"<!DOCTYPE {tree.docinfo.root_name}>",
                       data.count(b"\n", 0, at) + 1 if at >= 0 else None)
    if root.tag != _Q + "CodeBook":
        raise QdcError(f"the root element must be CodeBook in namespace {NAMESPACE}, "
                       f"not {etree.QName(root).localname} in "
                       f"{etree.QName(root).namespace or 'no namespace'}",
                       etree.QName(root).localname, root.sourceline)
    return tree


def _schema() -> etree.XMLSchema:
    """The Codebook 1.0 schema, one instance per thread (validators are not shared)."""
    if not hasattr(_local, "schema"):
        _local.schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    return _local.schema


def _check_schema(tree: etree._ElementTree) -> None:
    """Raise QdcError for the first schema violation, naming its element and line."""
    schema = _schema()
    if schema.validate(tree):
        return
    first = schema.error_log[0]
    depth = first.path.count("/") if first.path else 0
    on_line = [el for el in tree.iter() if isinstance(el.tag, str) and el.sourceline == first.line]
    match = next((el for el in on_line if len(list(el.iterancestors())) + 1 == depth),
                 on_line[0] if on_line else None)
    element = _where(match) if match is not None else first.path or "CodeBook"
    raise QdcError(first.message.replace(_Q, ""), element, first.line)


def _where(el: etree._Element) -> str:
    """A readable path for an element, e.g. 'Codes/Code[2]/Code[3] (guid=...)'."""
    parts = []
    for node in [el, *el.iterancestors()]:
        name = etree.QName(node).localname
        parent = node.getparent()
        if name == "Code" and parent is not None:
            index = [c for c in parent if c.tag == node.tag].index(node) + 1
            name = f"Code[{index}]"
        parts.append(name)
    path = "/".join(reversed(parts))
    return f"{path} (guid={el.get('guid')})" if el.get("guid") else path


def _read(el: etree._Element, depth: int, path: str) -> _Code:
    """A _Code tree from a <Code> element at path, with its Description parsed."""
    code = _Code(element=el, name=el.get("name", ""), codable=el.get("isCodable") in ("true", "1"),
                 text=el.findtext(_Q + "Description") or "",
                 where=f"{path} (guid={el.get('guid')})", depth=depth)
    code.children = [_read(child, depth + 1, f"{path}/Code[{index}]")
                     for index, child in enumerate(el.iterfind(_Q + "Code"), 1)]
    code.fields, explicit, code.level = _parse_description(code.text)
    if explicit is not None and not CODE_ID.match(explicit):
        raise QdcError(f"Uptake id {explicit!r} is not lower-case letters, digits and '_'",
                       code.where, el.sourceline)
    code.id = explicit or ""
    return code


def _parse_description(text: str) -> tuple[dict, str | None, tuple[str, str] | None]:
    """Split one of our Descriptions back into fields; other tools' text is the description."""
    meta = _META.search(text)
    if meta is None:
        return {"description": text.strip()}, None, None
    body = text[:meta.start()]
    level = (meta["level"], meta["label"]) if meta["level"] else None
    sections = list(_SECTION.finditer(body))
    fields = {"description": body[:sections[0].start()] if sections else body}
    for match, following in zip(sections, [*sections[1:], None], strict=False):
        end = following.start() if following else len(body)
        fields[match["key"] or match["next"]] = body[match.end():end]
    return fields, meta["id"], level


def _split_list(value: str) -> list[str]:
    """A bulleted or "; "-separated list written by _compose, as a list."""
    if not value.startswith("\n"):
        return value.split("; ") if value else []
    items: list[str] = []
    for line in value[1:].split("\n"):
        if line.startswith("  ") and items:
            items[-1] += "\n" + line[2:]
        else:
            items.append(line.removeprefix("- "))
    return items


def _walk(codes: list[_Code]):
    """Every code in document order."""
    for code in codes:
        yield code
        yield from _walk(code.children)


def _check_codes(codes: list[_Code]) -> None:
    """Raise QdcError for empty names, duplicate GUIDs and duplicate embedded ids."""
    guids: dict[str, str] = {}
    ids: dict[str, str] = {}
    for code in _walk(codes):
        line = code.element.sourceline
        if not code.name.strip():
            raise QdcError("the code has no name", code.where, line)
        guid = code.element.get("guid").strip("{}").lower()
        if guid in guids:
            raise QdcError(f"GUID is already used by {guids[guid]}", code.where, line)
        guids[guid] = code.where
        if code.id and code.id in ids:
            raise QdcError(f"Uptake id {code.id} is already used by {ids[code.id]}",
                           code.where, line)
        if code.id:
            ids[code.id] = code.where


def _prune(codes: list[_Code]) -> tuple[list[_Code], int]:
    """Drop non-codable codes with nothing codable below them; return the rest and the count."""
    kept, dropped = [], 0
    for code in codes:
        code.children, below = _prune(code.children)
        dropped += below
        if code.children or code.codable:
            kept.append(code)
        else:
            dropped += 1
    return kept, dropped


def _layered(codes: list[_Code], depth: int) -> tuple[list, list, list]:
    """Levels, nodes and themes of a tree whose leaves all sit at the same depth."""
    by_depth: dict[int, set] = {}
    for code in _walk(codes):
        by_depth.setdefault(code.depth, set()).add(code.level)
    middle = ["subcategory"] if depth == 3 else [f"subcategory_{i}" for i in range(1, depth - 1)]
    defaults = [DEFAULT_LEVELS[0], *((m, m.replace("_", " ").capitalize()) for m in middle),
                DEFAULT_LEVELS[1]]
    levels = [next(iter(by_depth[d])) if len(by_depth[d]) == 1 and None not in by_depth[d]
              else defaults[d - 1] for d in range(1, depth + 1)]
    if len({level[0] for level in levels}) != len(levels):
        levels = defaults
    nodes, themes = [], []

    def visit(code: _Code, parent: _Code | None) -> None:
        if code.children:
            nodes.append((code, parent, levels[code.depth - 1][0]))
            for child in code.children:
                visit(child, code)
        else:
            themes.append((code, parent, code.name))

    for code in codes:
        visit(code, None)
    return levels, nodes, themes


def _folded(codes: list[_Code]) -> tuple[list, list, list]:
    """Levels, nodes and themes of a ragged or flat tree, folded into two levels."""
    nodes, themes, ungrouped = [], [], []
    for top in codes:
        if not top.children:
            ungrouped.append(top)
            continue
        nodes.append((top, None, None))
        stack = [(child, []) for child in reversed(top.children)]
        while stack:
            code, trail = stack.pop()
            if code.codable:
                themes.append((code, top, PATH_SEPARATOR.join([*trail, code.name])))
            stack.extend((child, [*trail, code.name]) for child in reversed(code.children))
    if ungrouped:
        holder = _Code(element=etree.Element("none"), name="Ungrouped codes", codable=False,
                       text="", where="Ungrouped codes", depth=1,
                       fields={"description": "Codes that had no parent in the imported file."})
        nodes.append((holder, None, None))
        themes.extend((code, holder, code.name) for code in ungrouped)
    node_levels = {c.level for c, _, _ in nodes}
    theme_levels = {c.level for c, _, _ in themes}
    levels = [next(iter(found)) if len(found) == 1 and None not in found else default
              for found, default in zip((node_levels, theme_levels), DEFAULT_LEVELS, strict=True)]
    if levels[0][0] == levels[1][0]:
        levels = list(DEFAULT_LEVELS)
    nodes = [(c, p, levels[0][0]) for c, p, _ in nodes]
    return levels, nodes, themes


def _assign_ids(nodes: list, themes: list) -> None:
    """Give every kept code without an embedded id a unique id derived from its name."""
    taken = {c.id for c, _, _ in [*nodes, *themes] if c.id}
    for code, _, _ in [*nodes, *themes]:
        if code.id:
            continue
        base = _slug(code.name)
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        code.id = candidate
        taken.add(candidate)


def _slug(name: str) -> str:
    """An id from a name: ASCII lower case, other characters as '_', starting with a letter."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")[:56].strip("_") or "code"
    return slug if slug[0].isalpha() else f"code_{slug}"[:56]


def _node_dict(code: _Code, parent: _Code | None, level: str) -> dict:
    """A [[nodes]] table for a grouping code."""
    return {"id": code.id, "label": code.name, "level": level,
            "parent": parent.id if parent else "", "description": code.fields["description"]}


def _theme_dict(code: _Code, parent: _Code | None, label: str) -> dict:
    """A [[themes]] table for a codable code."""
    fields = code.fields
    theme = {"id": code.id, "label": label, "parent": parent.id if parent else "",
             "description": fields["description"], "include": fields.get("Include", ""),
             "exclude": fields.get("Exclude", ""),
             "examples": _split_list(fields.get("Examples", "")),
             "keywords": _split_list(fields.get("Keywords", ""))}
    for name in ("domain", "construct"):
        if f"CFIR {name}" in fields:
            theme[f"cfir_{name}"] = fields[f"CFIR {name}"]
    return theme
