"""Reviewing the engine in a real browser with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.domain.codebooks import current_version
from portal.domain.review import queue
from portal.extensions import db
from portal.models import AuditEvent, Coding
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

KEY = "icbt-implementation"
FOCUSED_THEME = "() => document.activeElement.closest('.theme-choice')?.dataset.theme ?? null"
FOCUS_STYLE = """() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== "none" && s.outlineWidth !== "0px"; }"""
# Every visible control needs a name: a <label>, or (radios) a fieldset with a legend.
UNLABELLED = """() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
    .filter(el => el.offsetParent !== null)
    .filter(el => !(el.labels && el.labels.length && el.labels[0].textContent.trim()))
    .map(el => el.outerHTML.slice(0, 100))"""


def stored(answer_id: int) -> tuple[list[tuple[str, str | None]], dict]:
    """The coder's current coding of an answer and the decisions audited with it."""
    db.session.rollback()
    coding = db.session.scalar(select(Coding).where(
        Coding.answer_id == answer_id, Coding.kind == "human", Coding.current.is_(True)))
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.subject_type == "answer", AuditEvent.subject_id == answer_id))
    return [(t.theme, t.polarity) for t in coding.tags], event.after


def proposal(answer_id: int) -> tuple[str, str]:
    """The engine's single proposed theme and polarity for an answer."""
    version = current_version(db.session, KEY)
    coding = db.session.scalar(select(Coding).where(
        Coding.answer_id == answer_id, Coding.kind == "machine",
        Coding.codebook_version_id == version.id))
    [tag] = coding.tags
    return tag.theme, tag.polarity


def press(page, *keys: str) -> None:
    """Press keys one after another."""
    for key in keys:
        page.keyboard.press(key)


def test_a_coder_reviews_with_the_keyboard(app, coded, desktop, shot):
    """Open the queue; j, x, b, s reject, add with a polarity and save; the next answer loads."""
    version = current_version(db.session, KEY)
    first, second, third = [i.answer_id for i in queue(db.session, coded.users["coder"],
                                                       version, limit=3)]
    (rejected, _), (kept, kept_polarity) = proposal(first), proposal(second)
    db.session.rollback()  # end the test's read transaction; the server writes next

    page = desktop.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill("coder@x.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coding").click()
    page.get_by_role("link", name="Review queue").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    shot(page, "1-queue")
    page.locator(f'a[href$="/answers/{first}"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"answer {first}")
    expect(page.locator(".badge-machine").first).to_contain_text("Machine · ")
    assert page.evaluate(UNLABELLED) == []

    press(page, "?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    shot(page, "2-shortcuts")
    press(page, "Escape")
    expect(page.locator("#shortcut-help")).to_be_hidden()

    # Typing in the add-theme box must not trigger shortcuts (here "s" would save).
    press(page, "t")
    expect(page.locator("#add-theme")).to_be_focused()
    page.keyboard.type("xs")
    expect(page.locator("#add-theme")).to_have_value("xs")
    press(page, "Escape")  # leaves the box for the engine's first proposal
    assert page.evaluate(FOCUSED_THEME) == rejected
    press(page, "k", "j")
    assert page.evaluate(FOCUSED_THEME) == rejected
    assert page.evaluate(FOCUS_STYLE), "the focused theme shows no focus outline"
    press(page, "x")
    expect(page.locator(f"#theme-{rejected}")).not_to_be_checked()
    press(page, "j")
    if page.evaluate(FOCUSED_THEME) == rejected:
        press(page, "k")  # the proposal was the last theme: add the one above it instead
    added = page.evaluate(FOCUSED_THEME)
    assert added and added != rejected
    press(page, "x", "b")
    expect(page.locator(f"#theme-{added}")).to_be_checked()
    expect(page.locator(f"#polarity-{added}-barrier")).to_be_checked()
    shot(page, "3-decided")
    press(page, "s")

    page.wait_for_url(re.compile(rf"/answers/{second}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"answer {second}")
    expect(page.locator(".notice")).to_contain_text("Saved")
    tags, after = stored(first)
    assert tags == [(added, "barrier")]
    assert after["rejected"] == [rejected] and after["added"] == [added]

    # The second answer: keep the proposal but change its polarity, then save with Ctrl+Enter.
    other = "barrier" if kept_polarity != "barrier" else "facilitator"
    press(page, "j")
    assert page.evaluate(FOCUSED_THEME) == kept
    press(page, other[0])
    expect(page.locator(f"#polarity-{kept}-{other}")).to_be_checked()
    shot(page, "4-polarity")
    press(page, "Control+Enter")
    page.wait_for_url(re.compile(rf"/answers/{third}$"))
    shot(page, "5-next")
    tags, after = stored(second)
    assert tags == [(kept, other)]
    assert after["polarity_changed"] == [kept] and after["rejected"] == []


def test_the_agreement_chart_has_a_table_behind_it(app, coded, desktop, shot):
    """The kappa history is an SVG image with a name, and the same numbers as a table."""
    from datetime import timedelta

    from portal.models import AgreementSnapshot, utcnow

    version = current_version(db.session, KEY)
    start = utcnow() - timedelta(days=30)
    for day, kappa in enumerate([0.21, 0.35, None, 0.52, 0.61]):
        db.session.add(AgreementSnapshot(codebook_id=version.codebook_id, units=10 + day,
                                         measured_at=start + timedelta(days=7 * day),
                                         tagger_version=f"r{day}", kappa=kappa, alpha=kappa,
                                         per_theme={}))
    db.session.commit()
    db.session.rollback()

    page = desktop.new_page()
    page.goto("/login")
    page.get_by_label("Email address").fill("lead@x.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home$"))
    page.goto(f"/coding/{KEY}/agreement")
    chart = page.get_by_role("img", name="The engine’s kappa with people over time")
    expect(chart).to_be_visible()
    expect(page.locator(".kappa-chart circle")).to_have_count(4)  # the undefined one is left out
    table = page.get_by_role("table", name="The chart’s data")
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table).to_contain_text("0.61")
    expect(page.get_by_role("button", name="Retrain from reviewers’ decisions")).to_be_visible()
    shot(page, "agreement")
