"""A login fault from a therapist's feedback, through proposal, the vendor, to resolved."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage, SupplierRequest
from tests.browser.test_journeys import SUBMIT, expect_confirmation, sign_in

pytestmark = pytest.mark.browser

FAULT = "I can't log in to the platform, it keeps rejecting my password"


def sign_out(page) -> None:
    """Sign out with the header's button."""
    page.get_by_role("button", name=re.compile("^Sign out")).click()


def test_feedback_becomes_a_bug_the_vendor_resolves(app, world, desktop, shot):
    """Therapist feedback → proposed bug → manager confirms → vendor acknowledges and
    resolves → the manager sees it resolved with its history."""
    db.session.rollback()
    page = desktop.new_page()

    sign_in(page, "therapist@x.test")
    page.goto(f"/survey/{world.services['leeds'].id}/therapist")
    page.locator("fieldset#role").get_by_label("Therapist (CBT)").check()
    page.locator("fieldset#programme").get_by_label("Depression", exact=True).check()
    page.get_by_label("How many years have you supported iCBT").fill("2")
    page.get_by_label("What gets in the way of using iCBT with your patients?").fill(FAULT)
    page.get_by_role("button", name=SUBMIT).click()
    expect_confirmation(page)
    shot(page, "1-feedback-sent")
    sign_out(page)

    sign_in(page, "manager@x.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.get_by_role("link", name=re.compile(r"^Proposals \(1\)")).click()
    page.get_by_role("link", name=re.compile("rejecting my password")).click()
    expect(page.locator("#request-status")).to_contain_text("Proposed")
    expect(page.locator(".sources")).to_contain_text("tech_bugs")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Status").select_option("new")
    shot(page, "2-manager-confirms")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#request-status")).to_contain_text("New")
    sign_out(page)

    sign_in(page, "vendor@x.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.locator("h1")).to_have_text("Requests about your products")
    page.get_by_role("link", name=re.compile("rejecting my password")).click()
    expect(page.locator(".clock").first).to_contain_text("First response due in")
    page.get_by_label("Assignee").select_option(label="Vic Vendor")
    page.get_by_label("Status").select_option("acknowledged")
    page.get_by_label("Comment").fill("We are looking at the password check.")
    shot(page, "3-vendor-acknowledges")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#request-status")).to_contain_text("Acknowledged")
    expect(page.locator("#request-assignee")).to_have_text("Vic Vendor")
    page.get_by_label("Status").select_option("resolved")
    page.get_by_label("Comment").fill("Fixed in release 4.2.1.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#request-status")).to_contain_text("Resolved")
    shot(page, "4-vendor-resolves")
    sign_out(page)

    sign_in(page, "manager@x.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="Resolved and closed").click()
    page.get_by_role("link", name=re.compile("rejecting my password")).click()
    expect(page.locator("#request-status")).to_contain_text("Resolved")
    history = page.locator("#history")
    expect(history).to_contain_text("Proposed from feedback")
    expect(history).to_contain_text("Status Proposed → New")
    expect(history).to_contain_text("Status New → Acknowledged")
    expect(history).to_contain_text("Status Acknowledged → Resolved")
    expect(page.locator("main")).to_contain_text("Fixed in release 4.2.1.")
    shot(page, "5-manager-sees-resolved")

    db.session.rollback()
    request = db.session.scalar(select(SupplierRequest))
    assert (request.status, request.kind, request.priority) == ("resolved", "bug", "high")
    mail = db.session.scalars(select(OutboxMessage)).all()
    # The de-identified title is the only text of the request a message carries.
    allowed = ("A new", "Its status", "Request: #", "Type: ", "Status: ", "Open it in Uptake")
    assert mail and all(line.startswith(allowed) for m in mail
                        for line in m.body.splitlines() if line)
