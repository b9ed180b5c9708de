"""Codebook pages: who may see and change them, versions, merge, split, import and export."""

import io

import pytest
from lxml import etree
from sqlalchemy import select

from portal import jobs
from portal.config import REPO_ROOT
from portal.domain.codebooks import current_version
from portal.extensions import db
from portal.models import AuditEvent, Coding, Job, Tag
from tests.conftest import csrf_from, fresh, login

XSD = etree.XMLSchema(etree.parse(str(REPO_ROOT / "portal" / "domain" / "schemas" /
                                      "Codebook.xsd")))


def post_form(client, url, data):
    """GET the form for its CSRF token, then POST it."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), **data})


def import_renamed(client, tree, name: str, filename: str):
    """Rename the first codable code of an exported tree and import it under a file name."""
    tree.find(".//{urn:QDA-XML:codebook:1.0}Code[@isCodable='true']").set("name", name)
    page = client.get("/codebooks/therapist-support/import")
    return client.post("/codebooks/therapist-support/import", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "file": (io.BytesIO(etree.tostring(tree)), filename)},
        content_type="multipart/form-data")


def finish_jobs():
    """Wait for every background job the test started."""
    for job_id in fresh().scalars(select(Job.id)).all():
        assert jobs.wait(job_id, timeout=60).state == "done"


@pytest.mark.parametrize("who,status", [("lead", 200), ("admin", 200), ("coder", 200),
                                        ("therapist", 403), ("manager", 403), ("vendor", 403)])
def test_only_coders_see_codebooks(client, coded, who, status):
    """Leads and designated coders read codebooks; other staff and vendors do not."""
    login(client, coded.users[who].email)
    assert client.get("/codebooks/").status_code == status
    assert client.get("/codebooks/icbt-implementation").status_code == status


def test_the_tree_shows_every_theme_with_its_cfir_mapping(client, coded):
    """The current version lists themes under their categories."""
    login(client, coded.users["lead"].email)
    html = client.get("/codebooks/icbt-implementation").get_data(as_text=True)
    assert "Technical faults and bugs" in html and "<code>tech_bugs</code>" in html
    assert "CFIR: Innovation" in html


@pytest.mark.parametrize("url", ["/codebooks/icbt-implementation/themes/new",
                                 "/codebooks/icbt-implementation/merge",
                                 "/codebooks/icbt-implementation/themes/tech_bugs/edit",
                                 "/codebooks/icbt-implementation/themes/tech_bugs/split",
                                 "/codebooks/icbt-implementation/import"])
def test_a_designated_coder_cannot_change_codebooks(client, coded, url):
    """Changes apply to every service, so only leads and admins make them."""
    login(client, coded.users["coder"].email)
    assert client.get(url).status_code == 403
    assert client.post(url, data={}).status_code in (400, 403)


def test_renaming_makes_a_version_keeps_the_id_audits_and_recodes(client, coded):
    """A new label is a new version; tags keep their theme id; a re-run job is queued."""
    login(client, coded.users["lead"].email)
    response = post_form(client, "/codebooks/icbt-implementation/themes/tech_bugs/edit",
                         {"label": "Faults and outages", "parent": "technology",
                          "description": "Things that break.", "include": "", "exclude": "",
                          "examples": "It crashed.\nIt froze.", "keywords": "crash"})
    assert response.status_code == 302 and "/codebooks/jobs/" in response.location
    finish_jobs()
    version = current_version(fresh(), "icbt-implementation")
    assert version.number == 2
    assert next(t for t in version.definition["themes"]
                if t["id"] == "tech_bugs")["label"] == "Faults and outages"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                       "codebook.edit_theme"))
    assert event.actor_id == coded.users["lead"].id and event.after["version"] == 2
    machine = db.session.scalars(select(Coding).where(Coding.kind == "machine",
                                                      Coding.current.is_(True),
                                                      Coding.codebook_version_id ==
                                                      version.id)).all()
    assert len(machine) == 8  # 4 responses x 2 text answers, re-coded against version 2
    assert all(c.tagger_version.endswith(".r0") for c in machine)


def test_merge_carries_tags_to_the_kept_theme(client, coded):
    """Tags of a folded-in theme move to the theme kept, remembering where they came from."""
    before = {t.theme for t in db.session.scalars(select(Tag))}
    assert "tech_bugs" in before
    login(client, coded.users["lead"].email)
    response = post_form(client, "/codebooks/icbt-implementation/merge",
                         {"keep": "usability", "absorbed": ["tech_bugs"]})
    assert response.status_code == 302
    version = current_version(fresh(), "icbt-implementation")
    assert "tech_bugs" not in version.theme_ids
    carried = fresh().scalars(select(Tag).where(Tag.carried_from == "tech_bugs")).all()
    assert carried and all(t.theme == "usability" for t in carried)
    assert all(t.coding.codebook_version_id == version.id for t in carried)
    assert all(t.coding.made_against_version_id != version.id for t in carried)
    finish_jobs()


def test_split_sends_each_tag_to_the_closer_part_and_flags_it(client, coded):
    """Splitting tech_bugs: its tags go to one of the two parts and are marked for review."""
    login(client, coded.users["lead"].email)
    response = post_form(client, "/codebooks/icbt-implementation/themes/tech_bugs/split", {
        "first_id": "login_faults", "first_label": "Login faults",
        "first_description": "Being logged out, locked out, password resets failing.",
        "first_examples": "The app kept logging me out.\nI was locked out again.",
        "second_id": "content_faults", "second_label": "Content faults",
        "second_description": "Videos that do not play, broken links, lost answers.",
        "second_examples": "The video never plays.\nMy answers vanished."})
    assert response.status_code == 302, response.get_data(as_text=True)
    carried = fresh().scalars(select(Tag).where(Tag.carried_from == "tech_bugs")).all()
    assert carried
    # The fixture's fault is "kept logging me out": the engine sends it to login faults.
    assert {t.theme for t in carried} == {"login_faults"}
    assert all(t.coding.needs_review for t in carried)
    finish_jobs()


def test_a_bad_change_is_refused_with_the_reason_and_typed_text_kept(client, coded):
    """A duplicate id is refused; nothing is stored and the form keeps the text."""
    login(client, coded.users["lead"].email)
    response = post_form(client, "/codebooks/icbt-implementation/themes/new",
                         {"theme_id": "usability", "label": "Another usability",
                          "parent": "technology", "description": "My long description"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "usability is used twice" in html and "My long description" in html
    assert current_version(fresh(), "icbt-implementation").number == 1


def test_export_validates_and_import_round_trips_a_renamed_code(client, coded):
    """The exported .qdc passes the REFI-QDA schema; a renamed code comes back as version 2."""
    login(client, coded.users["lead"].email)
    exported = client.get("/codebooks/therapist-support/export.qdc")
    assert exported.status_code == 200
    tree = etree.fromstring(exported.data)
    assert XSD.validate(tree.getroottree())
    response = import_renamed(client, tree, "Taking charge of my own recovery", "edited.qdc")
    assert response.status_code == 302
    version = current_version(fresh(), "therapist-support")
    assert version.number == 2 and version.note == "Imported from edited.qdc"
    assert "Taking charge of my own recovery" in [t["label"] for t in version.definition["themes"]]
    assert version.theme_ids == version.codebook.versions[0].theme_ids
    finish_jobs()


def test_a_broken_file_names_the_failing_element_and_stores_nothing(client, coded):
    """A Code without its guid fails the schema; the page says where; no version is made."""
    login(client, coded.users["lead"].email)
    bad = (b'<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
           b'origin="x"><Codes><Code name="A" isCodable="true"/></Codes></CodeBook>')
    page = client.get("/codebooks/therapist-support/import")
    response = client.post("/codebooks/therapist-support/import", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "file": (io.BytesIO(bad), "bad.qdc")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Code" in response.get_data(as_text=True)
    assert current_version(fresh(), "therapist-support").number == 1


def test_multipart_is_refused_where_no_file_is_expected(client, coded):
    """Only the import view takes multipart bodies."""
    login(client, coded.users["lead"].email)
    response = client.post("/codebooks/therapist-support/merge", data={"keep": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 415


def test_the_job_page_shows_progress_and_only_to_its_people(client, coded):
    """A lead's re-run shows its state; a designated coder cannot open the lead's job."""
    login(client, coded.users["lead"].email)
    page = client.get("/codebooks/working-alliance")
    response = client.post("/codebooks/working-alliance/rerun",
                           data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    job_url = response.location
    job_id = int(job_url.rsplit("/", 1)[1])
    assert jobs.wait(job_id, timeout=60).state == "done"
    status = client.get(f"/codebooks/jobs/{job_id}.json").get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 8
    assert "Finished" in client.get(job_url).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/home").get_data(
        as_text=True))})
    login(client, coded.users["coder"].email)
    assert client.get(job_url).status_code == 404


def test_a_rerun_without_csrf_is_refused(client, coded):
    """State changes need the token."""
    login(client, coded.users["lead"].email)
    assert client.post("/codebooks/working-alliance/rerun").status_code == 400


def test_an_imported_file_name_is_stored_without_controls(client, coded):
    """The version note names the uploaded file, with its override stripped."""
    login(client, coded.users["lead"].email)
    exported = client.get("/codebooks/therapist-support/export.qdc").data
    response = import_renamed(client, etree.fromstring(exported), "Taking charge",
                              "codes\u202ecdq.exe")
    assert response.status_code == 302
    assert current_version(fresh(), "therapist-support").note == "Imported from codescdq.exe"
    finish_jobs()
