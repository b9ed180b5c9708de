"""Stored XSS: hostile text typed into answers, requests, comments, names, labels and the
codebook is shown as literal text on every page that shows it, in real Chromium.

The browser contexts here bypass the Content-Security-Policy on purpose: the policy would
block an injected handler anyway, and these tests prove the first line of defence, that the
text never becomes markup. An injected handler would run and set window.__xss.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import inspect, select

from portal.domain.accounts import create_user
from portal.domain.codebook_edits import apply_change, edit_theme
from portal.domain.codebooks import current_version
from portal.domain.erasure import erase_response
from portal.domain.invitations import create_invitation
from portal.domain.requests import add_comment, change_status, edit_request
from portal.domain.review import TagInput, save_coding
from portal.domain.safety import change_flag
from portal.domain.samples import create_sample
from portal.domain.submissions import new_idempotency_key, submit_response
from portal.domain.training_plan import add_to_plan, schedule
from portal.extensions import db
from portal.models import Answer, OutboxMessage, Response, RiskFlag, Role, SupplierRequest
from tests.adversarial_payloads import (
    DROP,
    FORMULAS,
    IMG,
    INJECTED,
    JS_LINK,
    JS_URL,
    OR_TRUE,
    SCRIPT,
    SVG,
    TEMPLATES,
    hostile,
)
from tests.browser.test_dashboards import charts_drawn
from tests.browser.test_journeys import sign_in
from tests.conftest import PASSWORD
from tests.requests_helpers import filed

pytestmark = pytest.mark.browser

KEY = "icbt-implementation"
FAULT = "The app kept logging me out halfway through a module."
NAME = f"Val {SVG}"  # a display name: shown on requests, comments, flags, samples, audit
CODER_NAME = f"Cy {IMG}"
TITLE = f"Login fails {IMG} {TEMPLATES}"
LABEL = f"Technical faults {IMG} {JS_LINK} {TEMPLATES}"


@pytest.fixture
def unguarded(browser, live_server):
    """Opens desktop contexts with the CSP bypassed, so injected markup would really run; one
    per person, as a signed-in browser cannot sign in as someone else."""
    contexts = []

    def new_context():
        context = browser.new_context(base_url=live_server, bypass_csp=True,
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


@pytest.fixture
def poisoned(app, coded):
    """Hostile text everywhere a person can type it, stored through the product's functions."""
    app.config["SUPPRESSION_K_PATIENT"] = 2
    app.config["SUPPRESSION_K_STAFF"] = 2
    session, w = db.session, coded
    leeds = w.services["leeds"]
    w.users["rep"] = create_user(session, email="rep@x.test", name=NAME, password=PASSWORD,
                                 role=Role.VENDOR, vendor=w.vendors["northlight"])
    w.users["cy"] = create_user(session, email="cy@x.test", name=CODER_NAME, password=PASSWORD,
                                role=Role.THERAPIST, service=leeds)
    w.users["cy"].is_coder = w.users["cy"].is_clinician = True
    w.users["manager"].is_coder = True
    link = create_invitation(session, service=leeds, instrument=w.instruments["patient"],
                             created_by=w.users["manager"], label=f"Clinic {SVG} {TEMPLATES}",
                             days_valid=30, max_uses=100)
    session.commit()
    w.payload_link = link

    def patient(**texts):
        """One patient response by the hostile link."""
        return submit_response(session, version=w.instruments["patient"].current, service=leeds,
                               answers={"programme": "depression", **texts},
                               idempotency_key=new_idempotency_key(), invitation=link)

    for _ in range(3):
        patient(hindered=hostile(FAULT), helped=hostile("My supporter replied.", *FORMULAS))
    risky = patient(hindered=f"I've been hurting myself again {IMG} {TEMPLATES}")
    erased = patient(helped="Please erase this one.")
    w.mine = submit_response(session, version=w.instruments["therapist"].current, service=leeds,
                             answers={"role": "therapist", "programme": "depression",
                                      "years_icbt": 2, "hinders": hostile(FAULT)},
                             idempotency_key=new_idempotency_key(), user=w.users["therapist"])
    session.commit()

    flag = session.scalar(select(RiskFlag).where(RiskFlag.response_id == risky.response_id))
    change_flag(session, flag, w.users["cy"], "acknowledged", f"Called back {SCRIPT} {DROP}",
                datetime(2026, 3, 6, 10))
    erase_response(session, w.users["lead"], erased.reference, f"By phone {IMG} {OR_TRUE}")
    session.commit()
    w.flag_id = flag.id

    now = datetime(2026, 3, 2, 9)
    request = filed(w, title=TITLE, description=hostile("Since Monday", JS_URL), now=now)
    rep, manager = session.merge(w.users["rep"]), session.merge(w.users["manager"])
    request = session.get(SupplierRequest, request.id)
    edit_request(session, request, rep, expected_version=request.version,
                 changes={"assignee_id": rep.id}, now=now + timedelta(hours=1))
    change_status(session, request, rep, "acknowledged", now + timedelta(hours=1),
                  "http://portal.test")
    add_comment(session, request, rep, hostile("Shared by the vendor"), True,
                now + timedelta(hours=2), "http://portal.test")
    add_comment(session, request, rep, hostile("Internal note", JS_URL), False,
                now + timedelta(hours=3), "http://portal.test")
    add_comment(session, request, manager, hostile("Reply from the service"), True,
                now + timedelta(hours=4), "http://portal.test")
    session.commit()
    w.request_id = request.id

    training = filed(w, kind="training", title=f"Training {SVG}", now=now)
    item = add_to_plan(session, session.merge(w.users["rep"]),
                       session.get(SupplierRequest, training.id),
                       topic=f"Topic {IMG} {TEMPLATES}", audience=f"Staff {SCRIPT}")
    schedule(session, session.merge(w.users["rep"]), item, delivered_on=date.today())
    session.commit()
    w.formula_ids = [filed(w, title=formula, now=now).id for formula in FORMULAS]

    version = current_version(session, KEY)
    changed = edit_theme(version.definition, "tech_bugs",
                         {"label": LABEL, "description": hostile("Faults")})
    apply_change(session, version.codebook, changed, actor=session.merge(w.users["lead"]),
                 note=f"Renamed {SCRIPT}", action="codebook.edit")
    session.commit()

    version = current_version(session, KEY)
    cy, manager = session.merge(w.users["cy"]), session.merge(w.users["manager"])
    sample = create_sample(session, session.merge(w.users["lead"]), version,
                           name=f"Spring {IMG}", first=cy, second=manager, size=1,
                           seed=1)
    answer = session.get(Answer, sample.answer_ids[0])
    for coder in (cy, manager):
        save_coding(session, coder, answer, version, [TagInput("tech_bugs", "barrier")],
                    sample=sample)
    session.commit()
    w.sample_id, w.sample_answer = sample.id, answer.id
    w.hostile_answer = session.scalar(select(Answer.id).where(
        Answer.value_text.contains("window.__xss"), Answer.item_id == "hindered")
        .order_by(Answer.id))
    db.session.rollback()  # end the test's read transaction; the server writes next
    return w


class Watch:
    """What a page does that hostile text could cause: dialogs, errors, a set window.__xss."""

    def __init__(self, page):
        self.page, self.dialogs, self.errors = page, [], []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message),
                                          dialog.dismiss()))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def inert(self, where: str, *literal: str, within: str = "main") -> None:
        """No injected node, no script ran, no dialog; each literal text shown as typed."""
        page = self.page
        page.wait_for_load_state("load")
        for text in literal:
            expect(page.locator(within).first).to_contain_text(text, use_inner_text=True)
        assert page.evaluate(INJECTED) == [], where
        assert page.evaluate("typeof window.__xss") == "undefined", where
        assert self.dialogs == [] and self.errors == [], (where, self.dialogs, self.errors)


def opened(unguarded, email: str) -> Watch:
    """A new page in a context of its own, signed in as email and watched."""
    page = unguarded().new_page()
    watch = Watch(page)
    sign_in(page, email)
    return watch


def test_lead_pages_show_hostile_text_literally(poisoned, unguarded, shot):
    """Requests, outbox, training plan, coding, codebook, links, report, erase page: inert."""
    w = poisoned
    watch = opened(unguarded, "lead@x.test")
    page = watch.page
    page.goto("/requests/")
    watch.inert("/requests/", TITLE, f"Training {SVG}", *FORMULAS)
    page.goto(f"/requests/{w.request_id}")
    watch.inert("request detail", TITLE, "Since Monday " + " ".join([SCRIPT, IMG, SVG]),
                JS_URL, DROP, OR_TRUE, NAME, "Reply from the service")
    expect(page.locator("main")).not_to_contain_text("Internal note")
    shot(page, "request")
    page.goto("/requests/outbox")
    watch.inert("outbox", TITLE)
    page.goto("/requests/training")
    watch.inert("training plan", f"Topic {IMG} {TEMPLATES}", f"Staff {SCRIPT}")
    page.goto(f"/coding/{KEY}/queue")
    watch.inert("review queue")
    page.goto(f"/coding/{KEY}/answers/{w.hostile_answer}")
    watch.inert("coding page", FAULT + " " + " ".join([SCRIPT, IMG, SVG, JS_LINK]), LABEL)
    shot(page, "coding")
    page.goto(f"/coding/samples/{w.sample_id}")
    watch.inert("sample", f"Spring {IMG}", CODER_NAME)
    page.goto(f"/coding/samples/{w.sample_id}/reconcile/{w.sample_answer}")
    watch.inert("reconcile", CODER_NAME, LABEL)
    page.goto(f"/codebooks/{KEY}")
    watch.inert("codebook", LABEL)
    page.goto(f"/links/{w.payload_link.id}")
    watch.inert("link", f"Clinic {SVG} {TEMPLATES}")
    page.goto(f"/links/{w.payload_link.id}/poster")
    watch.inert("poster", within="body")
    page.goto(f"/reports/{w.services['leeds'].id}")
    watch.inert("report", within="body")
    page.goto("/data/erase")
    watch.inert("erase page", f"By phone {IMG} {OR_TRUE}")


def test_lead_dashboards_and_quotes_are_inert(poisoned, unguarded, shot):
    """Overview, Themes with the quotes of the renamed theme open, Readiness, Strategies,
    Responsiveness: hostile quotes and labels are text."""
    watch = opened(unguarded, "lead@x.test")
    page = watch.page
    for path in ("", "readiness", "strategies"):
        page.goto(f"/dash/{path}")
        if path != "strategies":
            charts_drawn(page)
        watch.inert(f"/dash/{path}", within="body")
    page.goto("/dash/responsiveness")
    expect(page.locator("#responsiveness-body")).to_contain_text("Training delivered")
    watch.inert("responsiveness", f"Topic {IMG} {TEMPLATES}", within="body")
    page.goto("/dash/themes?group=patient")
    charts_drawn(page)
    # Plotly reads tags in labels as its own markup: the label must be drawn as typed.
    assert LABEL in page.locator("#g-theme_by_group .ytick").all_text_contents()
    expect(page.locator("#g-theme_by_group .ytick a")).to_have_count(0)
    heatmap = page.locator("#g-theme_by_group .nsewdrag").first
    box = heatmap.bounding_box()
    row = page.locator("#g-theme_by_group .ytick", has_text="Technical faults").bounding_box()
    x, y = box["x"] + box["width"] / 2, row["y"] + row["height"] / 2
    page.mouse.move(x, y)  # Plotly clicks the point it last hovered
    page.mouse.click(x, y)
    expect(page.locator("#quotes .quote").first).to_be_visible()
    watch.inert("themes quotes", LABEL, SCRIPT, IMG, SVG, JS_LINK, DROP, OR_TRUE,
                within="#quotes")
    watch.inert("themes page", within="body")
    shot(page, "quotes")


def test_vendor_pages_show_hostile_text_literally(poisoned, unguarded, shot):
    """The vendor's list, detail with internal notes, export link and responsiveness: inert."""
    watch = opened(unguarded, "rep@x.test")
    page = watch.page
    page.goto("/requests/")
    watch.inert("vendor list", TITLE)
    page.goto(f"/requests/{poisoned.request_id}")
    watch.inert("vendor detail", TITLE, "Internal note", JS_URL, NAME, SCRIPT, IMG)
    shot(page, "vendor-request")
    page.goto("/dash/responsiveness")
    expect(page.locator("#responsiveness-body")).to_contain_text("Training delivered")
    watch.inert("vendor responsiveness", within="body")
    page.goto(f"/dash/responsiveness?request={poisoned.request_id}")
    expect(page.locator(".request-focus")).to_be_visible()
    watch.inert("request focus", TITLE, within=".request-focus")


def test_manager_and_clinician_safety_pages_are_inert(poisoned, unguarded):
    """The manager's queue and the designated clinician's flag show the answer and the
    note as text; the manager's request page too."""
    watch = opened(unguarded, "manager@x.test")
    page = watch.page
    page.goto(f"/requests/{poisoned.request_id}")
    watch.inert("manager request", TITLE, NAME)
    page.goto("/safety/")
    watch.inert("safety queue")
    clinician = opened(unguarded, "cy@x.test")
    clinician.page.goto(f"/safety/{poisoned.flag_id}")
    clinician.inert("flag", f"hurting myself again {IMG} {TEMPLATES}", f"Called back {SCRIPT}",
                    DROP, CODER_NAME, f"Clinic {SVG}")


def test_therapist_submissions_and_admin_audit_are_inert(poisoned, unguarded):
    """'My submissions' shows the therapist's hostile answer as text; the audit page shows
    hostile names and notes as text."""
    watch = opened(unguarded, "therapist@x.test")
    page = watch.page
    page.goto("/me/submissions")
    watch.inert("my submissions", poisoned.mine.reference)
    page.goto(f"/me/submissions/{poisoned.mine.reference}")
    watch.inert("my submission", hostile(FAULT))
    admin = opened(unguarded, "admin@x.test")
    admin.page.goto("/audit/")
    admin.inert("audit", NAME, CODER_NAME)


def test_sql_like_text_is_stored_literally_and_the_tables_stand(poisoned):
    """The SQL look-alikes are kept as typed; no table was dropped."""
    texts = db.session.scalars(select(Answer.value_text).where(
        Answer.value_text.contains(DROP))).all()
    assert texts and all(OR_TRUE in t for t in texts)
    assert db.session.scalar(select(Response.id).limit(1)) is not None
    assert {"responses", "answers", "supplier_requests"} <= set(
        inspect(db.engine).get_table_names())


def test_mail_carries_the_title_as_plain_text(poisoned, unguarded):
    """Notification bodies hold the title as typed (plain text, no HTML part); the outbox
    page shows subject and body without rendering them."""
    bodies = db.session.scalars(select(OutboxMessage.body).where(
        OutboxMessage.request_id == poisoned.request_id)).all()
    assert bodies and all(TITLE in body for body in bodies)
    watch = opened(unguarded, "lead@x.test")
    watch.page.goto("/requests/outbox")
    pre = watch.page.locator("pre", has_text="Login fails").first
    expect(pre).to_contain_text(TITLE)
    watch.inert("outbox bodies", "[Uptake]", TITLE)
    assert re.search(r"window\.__xss", pre.inner_text())


def test_the_checks_would_see_an_injection(poisoned, unguarded):
    """Calibration: markup really inserted into a page is found, and its handler runs here."""
    watch = opened(unguarded, "lead@x.test")
    page = watch.page
    page.evaluate("html => document.querySelector('main').insertAdjacentHTML('beforeend', html)",
                  IMG + SVG)
    page.wait_for_function("() => window.__xss === 1")
    found = page.evaluate(INJECTED)
    assert any("IMG onerror" in f for f in found) and any("svg onload" in f for f in found)
