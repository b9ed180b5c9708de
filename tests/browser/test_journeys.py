"""Journeys through the portal in a real browser: patients by link, staff signed in."""

import re
import unicodedata

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Answer, Invitation, Response
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
CONSENT_ERROR = "Please tick the box to say you are happy to take part."
SUBMIT = "Send my answers"

# Chromium's phone emulation widens the layout viewport to fit content that is too wide
# (window.innerWidth grows with it), so the screen's own width is the bound as well.
NO_HORIZONTAL_OVERFLOW = """(screenWidth) => {
    const width = Math.min(window.innerWidth, screenWidth);
    const scrollWidth = document.documentElement.scrollWidth;
    return {scrollWidth, innerWidth: window.innerWidth, screenWidth,
            ok: scrollWidth <= width + 1};
}"""

# Every visible control needs a name: a <label for>, a wrapping <label>, or (radios) a
# fieldset with a legend. Returns the controls that have none.
UNLABELLED_CONTROLS = """() => {
  const missing = [];
  for (const el of document.querySelectorAll("textarea, select, input:not([type=hidden])")) {
    const forLabel = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    const labelled = (forLabel && forLabel.textContent.trim()) || el.closest("label");
    const fieldset = el.closest("fieldset");
    const legend = fieldset && fieldset.querySelector(":scope > legend");
    const grouped = el.type === "radio" && legend && legend.textContent.trim();
    if (!labelled && !grouped) missing.push(el.outerHTML.slice(0, 120));
  }
  return missing;
}"""


@pytest.fixture
def patient_url(world) -> str:
    """The path of the Leeds patient invitation link."""
    path = f"/i/{world.links['patient'].token}"
    db.session.rollback()  # end the test's read transaction; the server writes next
    return path


@pytest.fixture
def therapist_url(world) -> str:
    """The path of the Leeds therapist invitation link."""
    path = f"/i/{world.links['therapist'].token}"
    db.session.rollback()
    return path


def stored_responses() -> list[Response]:
    """The responses in the database as it is now (not the test session's old snapshot)."""
    db.session.rollback()
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def assert_fits_the_screen(page, where: str) -> None:
    """No sideways scrolling."""
    width = page.evaluate(NO_HORIZONTAL_OVERFLOW, page.viewport_size["width"])
    assert width["ok"], f"{where} scrolls sideways on a phone: {width}"


def assert_every_control_labelled(page, where: str) -> None:
    """Every input has a label a screen reader can announce."""
    missing = page.evaluate(UNLABELLED_CONTROLS)
    assert not missing, f"{where}: controls without a label: {missing}"


def expect_confirmation(page):
    """Expect the thank-you page and return its reference code."""
    page.wait_for_url(re.compile(r"/thanks/[A-Z0-9-]+(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    reference = page.locator(".reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    return reference


def tab_to(page, selector: str, bound: int = 80) -> None:
    """Press Tab until the element matching selector has focus (keyboard only)."""
    for _ in range(bound):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with {bound} presses of Tab")


def assert_focus_visible(page) -> None:
    """The focused element shows a focus outline."""
    style = page.evaluate("""() => {
        const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: s.outlineWidth,
                tag: document.activeElement.outerHTML.slice(0, 80)}; }""")
    assert style["style"] != "none" and style["width"] != "0px", f"no visible focus: {style}"


def test_patient_on_a_phone(app, phone, patient_url, shot):
    """A patient answers on a phone: errors are clear, odd text arrives intact, day only."""
    page = phone.new_page()
    page.goto(patient_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your experience of online therapy")
    shot(page, "1-form")
    assert_fits_the_screen(page, "The patient form")
    assert_every_control_labelled(page, "The patient form")

    page.get_by_role("button", name=SUBMIT).tap()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(CONSENT_ERROR)
    expect(page.locator("#consent-error")).to_contain_text(CONSENT_ERROR)
    expect(summary).to_be_focused()
    shot(page, "2-errors")
    assert_fits_the_screen(page, "The patient form with errors")
    assert_every_control_labelled(page, "The patient form with errors")
    summary.get_by_role("link", name=CONSENT_ERROR).tap()
    expect(page.locator("#consent")).to_be_focused()
    assert stored_responses() == []

    typed = "Messages helped 🙂 مرحبا e\u0301"
    answer = page.get_by_label("What helped you keep going?")
    answer.tap()
    answer.press_sequentially(typed)
    expect(answer).to_have_value(typed)
    page.get_by_label("I have read this and I am happy to take part").check()
    page.get_by_label("Low mood or depression").check()
    shot(page, "3-filled")
    page.get_by_role("button", name=SUBMIT).tap()

    reference = expect_confirmation(page)
    expect(page.locator(".panel.urgent")).to_contain_text("116 123")
    shot(page, "4-thanks")
    assert_fits_the_screen(page, "The confirmation page")

    responses = stored_responses()
    assert len(responses) == 1
    response = responses[0]
    assert response.reference == reference
    assert response.stakeholder_group == "patient"
    assert response.user_id is None
    assert response.programme == "depression"
    stamp = response.submitted_at
    assert (stamp.hour, stamp.minute, stamp.second, stamp.microsecond) == (0, 0, 0, 0)
    answers = response.answer_map()
    assert answers["helped"] == unicodedata.normalize("NFC", typed)
    assert answers["programme"] == "depression"


def test_typed_text_is_kept_on_error(app, phone, patient_url, shot):
    """A refused form gives the person's text back exactly as typed."""
    page = phone.new_page()
    page.goto(patient_url)
    paragraph = ("The reminders came at 3am & woke me; the \"next\" button hid under the "
                 "keyboard <b>every</b> time. Ünïcödé, עברית, 日本語, 🙂👍🏽. ")
    long_text = "  Leading spaces kept.\n\n" + "\n".join(paragraph * 3 for _ in range(12)) \
        + "\nLast line with trailing spaces.  "
    assert len(long_text) > 4000
    box = page.get_by_label("What got in the way?")
    box.fill(long_text)
    expect(box).to_have_value(long_text)
    page.get_by_role("button", name=SUBMIT).tap()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.locator("#consent-error")).to_contain_text(CONSENT_ERROR)
    box = page.get_by_label("What got in the way?")
    assert box.input_value() == long_text
    shot(page, "1-kept-after-error")
    assert stored_responses() == []


def test_keyboard_only(app, desktop, patient_url, shot):
    """Answer, consent and send with the keyboard alone."""
    page = desktop.new_page()
    page.goto(patient_url)
    tab_to(page, "textarea")
    assert_focus_visible(page)
    first = page.evaluate("document.activeElement.id")
    page.keyboard.type("Typed with the keyboard only.")
    tab_to(page, "#consent")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    tab_to(page, "form.survey button[type=submit]")
    assert_focus_visible(page)
    shot(page, "1-before-send")
    page.keyboard.press("Enter")

    expect_confirmation(page)
    shot(page, "2-thanks")
    responses = stored_responses()
    assert len(responses) == 1
    assert responses[0].answer_map()[first] == "Typed with the keyboard only."


def sign_in(page, email: str, tap: bool = False) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    button = page.get_by_role("button", name="Sign in")
    button.tap() if tap else button.click()
    page.wait_for_url(re.compile(r"/home$"))


def test_therapist_signed_in(app, world, desktop, shot):
    """A therapist signs in, answers for their service and finds the answer again."""
    therapist_id = world.users["therapist"].id
    db.session.rollback()
    page = desktop.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill("therapist@x.test")
    page.get_by_label("Password").fill(PASSWORD)
    shot(page, "1-login")
    page.get_by_role("button", name="Sign in").click()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Give feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give feedback")
    shot(page, "2-choose")
    page.get_by_role("listitem").filter(has_text="Leeds Talking Therapies") \
        .get_by_role("link", name="Therapist feedback on iCBT").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Therapist feedback on iCBT")
    assert_every_control_labelled(page, "The therapist form")

    text = "Login failures on the app waste ten minutes per session"
    page.locator("fieldset#role").get_by_label("Therapist (CBT)").check()
    page.locator("fieldset#programme").get_by_label("Depression", exact=True).check()
    page.get_by_label("How many years have you supported iCBT").fill("4")
    page.get_by_label("What gets in the way of using iCBT with your patients?").fill(text)
    page.locator("fieldset#oric_01").get_by_label("Somewhat agree").check()
    page.locator("fieldset#oric_02").get_by_label("Agree", exact=True).check()
    shot(page, "3-filled")
    page.get_by_role("button", name=SUBMIT).click()

    reference = expect_confirmation(page)
    expect(page.locator("main")).not_to_contain_text("116 123")
    shot(page, "4-thanks")

    nav.get_by_role("link", name="My submissions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My submissions")
    link = page.get_by_role("link", name=reference)
    expect(link).to_be_visible()
    shot(page, "5-my-submissions")
    link.click()
    expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("main")).to_contain_text(reference)
    shot(page, "6-submission")

    responses = stored_responses()
    assert len(responses) == 1
    assert responses[0].user_id == therapist_id
    assert responses[0].stakeholder_group == "therapist"
    assert responses[0].answer_map() == {"role": "therapist", "programme": "depression",
                                         "years_icbt": 4, "hinders": text, "oric_01": 4,
                                         "oric_02": 5}


def test_double_click_sends_once(app, world, desktop, patient_url, shot):
    """Two quick clicks on send store one response and count one use of the link."""
    invitation_id = world.links["patient"].id
    db.session.rollback()
    page = desktop.new_page()
    page.goto(patient_url)
    page.get_by_label("What has the programme itself been like to use?").fill("Clear and calm.")
    page.get_by_label("I have read this and I am happy to take part").check()
    page.dblclick("form.survey button[type=submit]")

    reference = expect_confirmation(page)
    shot(page, "1-thanks")
    responses = stored_responses()
    assert [r.reference for r in responses] == [reference]
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert db.session.get(Invitation, invitation_id).uses == 1


# Regressions the journeys above once found: every problem at once, focusable summary links,
# staff pages that fit a phone.


def test_empty_patient_form_lists_every_problem_at_once(app, phone, patient_url, shot):
    """An empty send names both problems, not the consent first and the answers next time."""
    page = phone.new_page()
    page.goto(patient_url)
    page.get_by_role("button", name=SUBMIT).tap()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(CONSENT_ERROR)
    shot(page, "1-errors")
    expect(summary).to_contain_text("Please answer at least 1 question in “Your experience”.")


def test_error_summary_links_reach_the_question(app, world, desktop, shot):
    """Each link in the error summary moves focus to a control of its question (radios too)."""
    db.session.rollback()
    page = desktop.new_page()
    sign_in(page, "therapist@x.test")
    page.goto(f"/survey/{world.services['leeds'].id}/therapist")
    db.session.rollback()
    page.get_by_role("button", name=SUBMIT).click()
    links = page.get_by_role("alert").get_by_role("link")
    expect(links).to_have_count(4)  # the feedback section, role, programme, years_icbt
    shot(page, "1-errors")
    for index in range(4):
        link = links.nth(index)
        target = link.get_attribute("href")
        link.click()
        focused = page.evaluate("""() => ({tag: document.activeElement.tagName,
            html: document.activeElement.outerHTML.slice(0, 80)})""")
        assert focused["tag"] in ("INPUT", "TEXTAREA", "SELECT"), \
            f"the summary link {target} left focus on {focused['html']}"


def test_staff_pages_fit_a_phone(app, world, phone, shot):
    """A therapist on a phone: home, the survey and a sent answer with a long URL in it."""
    db.session.rollback()
    page = phone.new_page()
    sign_in(page, "therapist@x.test", tap=True)
    problems = []

    def check(where: str) -> None:
        width = page.evaluate(NO_HORIZONTAL_OVERFLOW, page.viewport_size["width"])
        if not width["ok"]:
            problems.append(f"{where}: {width}")

    shot(page, "1-home")
    check("/home")
    page.goto("/survey")
    page.get_by_role("link", name="Therapist feedback on iCBT").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Therapist feedback on iCBT")
    check("the therapist form")
    page.locator("fieldset#role").get_by_label("Therapist (CBT)").check()
    page.locator("fieldset#programme").get_by_label("Depression", exact=True).check()
    page.get_by_label("How many years have you supported iCBT").fill("2")
    log = "https://support.example.org/tickets/" + "a1b2c3d4" * 12
    page.get_by_label("What gets in the way of using iCBT with your patients?") \
        .fill(f"The app logs me out; ticket {log} is still open.")
    page.get_by_role("button", name=SUBMIT).tap()
    reference = expect_confirmation(page)
    check("the confirmation page")
    page.goto("/me/submissions")
    shot(page, "2-my-submissions")
    check("/me/submissions")
    page.get_by_role("link", name=reference).tap()
    expect(page.locator("main")).to_contain_text(log)
    shot(page, "3-submission")
    check("/me/submissions/<reference>")
    assert not problems, "pages scroll sideways on a phone:\n" + "\n".join(problems)
