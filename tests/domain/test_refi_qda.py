"""REFI-QDA codebook exchange: export validity, stable GUIDs, round trips and hostile input."""

import tomllib
import uuid
from pathlib import Path

import pytest
from lxml import etree

from portal.domain import refi_qda
from portal.domain.refi_qda import QdcError, export_qdc, import_qdc, theme_guid
from tests.adversarial_payloads import FORMULAS, hostile

ROOT = Path(__file__).resolve().parents[2]
CODEBOOKS = sorted((ROOT / "surveys" / "codebooks").glob("*.toml"))
SHARED_XSD = Path("/work/shared/refi-qda/Codebook.xsd")
NS = {"q": refi_qda.NAMESPACE}
GUIDS = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 20)]


def load(path: Path) -> dict:
    """A shipped codebook as parsed from its TOML file."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


def qdc(codes: str, *, sets: str = "", origin: str = "QualCoder 3.6") -> bytes:
    """A minimal .qdc document around the given <Code> elements."""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="{origin}">\n'
            f"<Codes>\n{codes}\n</Codes>{sets}</CodeBook>").encode()


@pytest.fixture(params=CODEBOOKS, ids=lambda p: p.stem)
def definition(request) -> dict:
    """Each shipped codebook in turn."""
    return load(request.param)


def test_three_codebooks_are_shipped():
    assert [p.stem for p in CODEBOOKS] == [
        "icbt-implementation", "therapist-support", "working-alliance"]


def test_packaged_schema_is_the_published_one():
    if not SHARED_XSD.exists():
        pytest.skip("shared REFI-QDA schema not available")
    assert refi_qda.SCHEMA_PATH.read_bytes() == SHARED_XSD.read_bytes()


def test_export_validates_against_the_schema(definition):
    xsd = SHARED_XSD if SHARED_XSD.exists() else refi_qda.SCHEMA_PATH
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.fromstring(export_qdc(definition))
    schema.assertValid(document)
    assert document.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"


def test_export_nests_nodes_and_themes(definition):
    root = etree.fromstring(export_qdc(definition))
    top = root.findall("q:Codes/q:Code", NS)
    assert [c.get("name") for c in top] == [n["label"] for n in definition["nodes"]]
    assert {c.get("isCodable") for c in top} == {"false"}
    leaves = root.findall("q:Codes/q:Code/q:Code", NS)
    assert len(leaves) == len(definition["themes"])
    assert {c.get("isCodable") for c in leaves} == {"true"}
    first = definition["themes"][0]
    text = leaves[0].findtext("q:Description", namespaces=NS)
    assert text.startswith(first["description"])
    assert f"Include: {first['include']}" in text
    assert f"Exclude: {first['exclude']}" in text
    assert f"- {first['examples'][0]}" in text
    assert text.endswith(f"Uptake id: {first['id']}")


def test_guids_are_stable_uuid5_and_unique(definition):
    first, second = export_qdc(definition), export_qdc(definition)
    assert first == second
    guids = [c.get("guid") for c in etree.fromstring(first).iter("{*}Code")]
    assert len(set(guids)) == len(guids) == len(definition["nodes"]) + len(definition["themes"])
    assert all(uuid.UUID(g).version == 5 for g in guids)
    expected = [theme_guid(definition["id"], c["id"])
                for c in [*definition["nodes"], *definition["themes"]]]
    assert sorted(guids) == sorted(expected)


def test_theme_guid_is_qualified_by_codebook():
    assert theme_guid("icbt-implementation", "personalisation") == \
        theme_guid("icbt-implementation", "personalisation")
    assert theme_guid("icbt-implementation", "personalisation") != \
        theme_guid("working-alliance", "personalisation")


def test_round_trip_keeps_every_code_field(definition):
    back = import_qdc(export_qdc(definition))
    # Codebook-level fields have no slot in REFI-QDA; everything below them round-trips.
    assert back["levels"] == definition["levels"]
    assert back["nodes"] == definition["nodes"]
    assert back["themes"] == definition["themes"]
    assert back["source"].endswith("written by Uptake.")


def test_round_trip_of_awkward_text_and_three_levels():
    definition = {
        "id": "odd", "title": "Odd", "levels": [
            {"id": "area", "label": "Area (broad)"}, {"id": "topic", "label": "Topic"},
            {"id": "code", "label": "Code"}],
        "nodes": [
            {"id": "a", "label": "A & <b>", "level": "area", "parent": "", "description": ""},
            {"id": "b", "label": "B", "level": "topic", "parent": "a",
             "description": "Two\n\nparagraphs."}],
        "themes": [{"id": "c", "label": "C", "parent": "b", "description": "",
                    "include": "", "exclude": "Not x; y", "examples": ["one\ntwo", "three"],
                    "keywords": ["semi;colon", "plain"], "cfir_construct": "Only construct"}],
    }
    back = import_qdc(export_qdc(definition))
    assert back["levels"] == definition["levels"]
    assert back["nodes"] == definition["nodes"]
    assert back["themes"] == definition["themes"]


def test_hostile_labels_leave_as_text_and_come_back_as_typed():
    """Markup, template, SQL and formula payloads in a lead's labels and notes are character
    data in the exported XML (no element or processing instruction of theirs), the file still
    validates, and an import gives back exactly what was typed."""
    payload = hostile("Bugs", *FORMULAS, "]]> <!ENTITY x SYSTEM 'file:///etc/passwd'> &x;",
                      "\u202eevil\u202c")
    definition = load(CODEBOOKS[1])
    theme = definition["themes"][0]
    theme.update(label=payload, description=payload, include=payload,
                 examples=[payload, *theme["examples"][1:]])
    document = export_qdc(definition)
    schema = etree.XMLSchema(etree.parse(str(SHARED_XSD)))
    tree = etree.fromstring(document)
    assert schema.validate(tree), schema.error_log
    tags = {etree.QName(element).localname for element in tree.iter()
            if isinstance(element.tag, str)}
    assert tags <= {"CodeBook", "Codes", "Code", "Description", "Sets", "Set", "MemberCode"}
    assert not list(tree.iter(etree.PI, etree.Entity))
    back = import_qdc(document)["themes"][0]
    assert (back["label"], back["description"], back["include"]) == (payload,) * 3
    assert back["examples"][0] == payload


def test_export_rejects_a_theme_without_a_node():
    definition = load(CODEBOOKS[1])
    definition["themes"][2]["parent"] = "nowhere"
    with pytest.raises(QdcError) as caught:
        export_qdc(definition)
    assert caught.value.element == f"themes[2] ({definition['themes'][2]['id']})"


QUALCODER = qdc(f"""
<Code guid="{GUIDS[0]}" name="Therapist contact" isCodable="false" color="#F9A825">
  <Description>Everything about the supporter.</Description>
  <Code guid="{GUIDS[1]}" name="Feedback quality" isCodable="true" color="#EF6C00">
    <Description>Whether feedback felt personal.
Second line.</Description>
  </Code>
  <Code guid="{GUIDS[2]}" name="Timing" isCodable="false" color="#abc">
    <Code guid="{GUIDS[3]}" name="Reply speed" isCodable="true"/>
    <Code guid="{{{GUIDS[4]}}}" name="Reply-speed!" isCodable="true"/>
  </Code>
</Code>
<Code guid="{GUIDS[5]}" name="Feedback quality" isCodable="true"/>
<Code guid="{GUIDS[6]}" name="Empty category" isCodable="false"/>
<Code guid="{GUIDS[7]}" name="Über 2 Résumé" isCodable="true"/>""",
               sets=f'<Sets><Set guid="{GUIDS[8]}" name="Favourites">'
                    f'<MemberCode guid="{GUIDS[1]}"/></Set></Sets>')


def test_import_from_another_tool_folds_into_two_levels():
    book = import_qdc(QUALCODER, codebook_id="qc", title="From QualCoder")
    assert (book["id"], book["title"]) == ("qc", "From QualCoder")
    assert book["levels"] == [{"id": "category", "label": "Category"},
                              {"id": "theme", "label": "Theme"}]
    assert [(n["id"], n["label"], n["parent"]) for n in book["nodes"]] == [
        ("therapist_contact", "Therapist contact", ""),
        ("ungrouped_codes", "Ungrouped codes", "")]
    assert book["nodes"][0]["description"] == "Everything about the supporter."
    assert [(t["id"], t["label"], t["parent"]) for t in book["themes"]] == [
        ("feedback_quality", "Feedback quality", "therapist_contact"),
        ("reply_speed", "Timing › Reply speed", "therapist_contact"),
        ("reply_speed_2", "Timing › Reply-speed!", "therapist_contact"),
        ("feedback_quality_2", "Feedback quality", "ungrouped_codes"),
        ("uber_2_resume", "Über 2 Résumé", "ungrouped_codes")]
    first = book["themes"][0]
    assert first["description"] == "Whether feedback felt personal.\nSecond line."
    assert (first["include"], first["exclude"], first["examples"], first["keywords"]) == \
        ("", "", [], [])
    assert "cfir_domain" not in first
    assert "1 empty grouping code(s)" in book["source"]
    assert "1 set(s)" in book["source"]
    assert "QualCoder 3.6" in book["source"]


def test_import_keeps_levels_of_an_even_deeper_tree():
    data = qdc(f"""
<Code guid="{GUIDS[0]}" name="A" isCodable="false">
  <Code guid="{GUIDS[1]}" name="B" isCodable="true">
    <Code guid="{GUIDS[2]}" name="C" isCodable="true"/>
  </Code>
</Code>""")
    book = import_qdc(data)
    assert [lv["id"] for lv in book["levels"]] == ["category", "subcategory", "theme"]
    assert [(n["id"], n["level"], n["parent"]) for n in book["nodes"]] == [
        ("a", "category", ""), ("b", "subcategory", "a")]
    assert [(t["id"], t["parent"]) for t in book["themes"]] == [("c", "b")]
    assert "codable flag of 1 code(s)" in book["source"]


def test_import_of_a_flat_codebook_groups_everything():
    data = qdc(f'<Code guid="{GUIDS[0]}" name="1st code" isCodable="true"/>'
               f'<Code guid="{GUIDS[1]}" name="???" isCodable="true"/>')
    book = import_qdc(data)
    assert [n["id"] for n in book["nodes"]] == ["ungrouped_codes"]
    assert [t["id"] for t in book["themes"]] == ["code_1st_code", "code"]


def test_edited_export_keeps_known_ids_and_derives_new_ones():
    definition = load(CODEBOOKS[1])
    root = etree.fromstring(export_qdc(definition))
    parent = root.find("q:Codes/q:Code", NS)
    etree.SubElement(parent, "{urn:QDA-XML:codebook:1.0}Code", guid=GUIDS[0],
                     name="Added in NVivo", isCodable="true")
    book = import_qdc(etree.tostring(root))
    assert book["levels"] == definition["levels"]
    added = next(t for t in book["themes"] if t["label"] == "Added in NVivo")
    assert (added["id"], added["parent"]) == ("added_in_nvivo", definition["nodes"][0]["id"])
    assert {t["id"] for t in definition["themes"]} < {t["id"] for t in book["themes"]}


BAD_FILES = {
    "malformed": (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n<Code></Codes>',
                  "XML document", 2),
    "code without guid": (qdc(f'<Code guid="{GUIDS[0]}" name="A" isCodable="false">\n'
                              '<Code name="B" isCodable="true"/></Code>'),
                          "CodeBook/Codes/Code[1]/Code[1]", 5),
    "bad guid": (qdc('<Code guid="not-a-guid" name="A" isCodable="true"/>'),
                 "CodeBook/Codes/Code[1] (guid=not-a-guid)", 4),
    "wrong namespace": (qdc(f'<Code guid="{GUIDS[0]}" name="A" isCodable="true"/>')
                        .replace(b"codebook:1.0", b"project:1.0"), "CodeBook", 2),
    "no codes": (qdc(""), "CodeBook/Codes", 3),
    "duplicate guid": (qdc(f'<Code guid="{GUIDS[0]}" name="A" isCodable="true"/>\n'
                           f'<Code guid="{GUIDS[0].upper()}" name="B" isCodable="true"/>'),
                       f"CodeBook/Codes/Code[2] (guid={GUIDS[0].upper()})", 5),
    "empty name": (qdc(f'<Code guid="{GUIDS[0]}" name="  " isCodable="true"/>'),
                   f"CodeBook/Codes/Code[1] (guid={GUIDS[0]})", 4),
    "duplicate uptake id": (qdc(
        f'<Code guid="{GUIDS[0]}" name="A" isCodable="true">'
        "<Description>Uptake id: same</Description></Code>\n"
        f'<Code guid="{GUIDS[1]}" name="B" isCodable="true">'
        "<Description>x\n\nUptake id: same</Description></Code>"),
        f"CodeBook/Codes/Code[2] (guid={GUIDS[1]})", 5),
    "bad uptake id": (qdc(f'<Code guid="{GUIDS[0]}" name="A" isCodable="true">'
                          "<Description>Uptake id: Not-An-Id</Description></Code>"),
                      f"CodeBook/Codes/Code[1] (guid={GUIDS[0]})", 4),
    "only empty categories": (qdc(f'<Code guid="{GUIDS[0]}" name="A" isCodable="false"/>'),
                              "CodeBook/Codes", 3),
    "xxe": (b'<?xml version="1.0"?>\n<!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM '
            b'"file:///etc/passwd">]>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            b'<Code guid="' + GUIDS[0].encode() + b'" name="A" isCodable="true">'
            b"<Description>&xxe;</Description></Code></Codes></CodeBook>",
            "<!DOCTYPE CodeBook>", 2),
    "billion laughs": (b'<!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa">'
                       b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                       b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="'
                       + GUIDS[0].encode() + b'" name="&b;" isCodable="true"/></Codes>'
                       b"</CodeBook>", "<!DOCTYPE CodeBook>", 1),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_raise_naming_the_element(name):
    data, element, line = BAD_FILES[name]
    result = None
    with pytest.raises(QdcError) as caught:
        result = import_qdc(data)
    assert result is None
    assert caught.value.element == element
    assert caught.value.line == line
    assert str(caught.value).startswith(element)
    assert isinstance(caught.value, ValueError)


def test_xxe_payload_is_never_read():
    data = BAD_FILES["xxe"][0]
    with pytest.raises(QdcError) as caught:
        import_qdc(data)
    assert "root:" not in str(caught.value)


def test_schema_message_names_the_problem():
    with pytest.raises(QdcError) as caught:
        import_qdc(BAD_FILES["code without guid"][0])
    assert "guid" in caught.value.message and "{urn:" not in str(caught.value)


def test_oversized_file_is_rejected_before_parsing():
    data = qdc(f'<Code guid="{GUIDS[0]}" name="A" isCodable="true"/>')
    data += b" " * refi_qda.MAX_QDC_BYTES
    with pytest.raises(QdcError) as caught:
        import_qdc(data)
    assert caught.value.element == "file"


def test_wrong_namespace_says_which_namespace_is_expected():
    with pytest.raises(QdcError) as caught:
        import_qdc(BAD_FILES["wrong namespace"][0])
    assert "urn:QDA-XML:codebook:1.0" in caught.value.message
    assert "urn:QDA-XML:project:1.0" in caught.value.message
