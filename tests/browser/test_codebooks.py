"""A lead changes a codebook in a real browser and watches the re-coding finish."""

import pytest
from playwright.sync_api import expect

from portal import jobs
from portal.domain.codebooks import current_version
from portal.extensions import db
from portal.models import Job
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_lead_renames_a_theme_and_sees_the_recoding_finish(app, coded, desktop, shot):
    """Edit the label, save: a new version, the job page's status, then the codebook again."""
    page = desktop.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(coded.users["lead"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Codebooks").click()
    page.get_by_role("link", name="iCBT implementation: barriers and facilitators").click()
    page.locator("#theme-tech_bugs summary").click()
    shot(page, "1-theme")
    page.locator("#theme-tech_bugs").get_by_role("link", name="Rename or edit").click()
    page.get_by_label("Label").fill("Faults, outages and <b>bugs</b>")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved as version 2")
    db.session.rollback()
    job = db.session.scalars(db.select(Job)).one()
    assert jobs.wait(job.id, timeout=60).state == "done"
    page.reload()
    expect(page.locator("#job-state")).to_contain_text("Finished. Re-coded 8 answers")
    shot(page, "2-job-finished")
    page.get_by_role("link", name="Back to the codebook").click()
    # The new label is shown as text, never as markup.
    expect(page.locator("#theme-tech_bugs summary strong")).to_have_text(
        "Faults, outages and <b>bugs</b>")
    expect(page.get_by_role("cell", name="Renamed theme tech_bugs").first).to_be_visible()
    shot(page, "3-version-2")
    db.session.rollback()
    assert current_version(db.session, "icbt-implementation").number == 2
