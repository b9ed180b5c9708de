"""The dashboards in a real browser: every page for a lead and a manager, filters in the URL,
and a manager unable to reach another service's data by URL or filter."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.conftest import PASSWORD
from tests.dashboards.helpers import add_patient_responses, add_therapist_response

pytestmark = pytest.mark.browser

PAGES = [("", "Overview"), ("themes", "Themes"), ("readiness", "Readiness"),
         ("strategies", "Strategies")]
BUGS = {"programme": "depression",
        "hindered": "The app kept logging me out halfway through a module."}


@pytest.fixture
def dashboard_world(app, coded):
    """Responses at both services, small k so numbers show."""
    app.config["SUPPRESSION_K_PATIENT"] = 2
    app.config["SUPPRESSION_K_STAFF"] = 2
    add_patient_responses(coded, "leeds", datetime(2026, 3, 5), 6, BUGS)
    add_patient_responses(coded, "bristol", datetime(2026, 3, 5), 5, BUGS)
    for score in (3, 4, 5):
        add_therapist_response(coded, "leeds", datetime(2026, 3, 9),
                               {f"oric_{i:02d}": score for i in range(1, 13)})
    db.session.rollback()
    return coded


def sign_in(page, email: str) -> None:
    """Sign in through the form."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home$"))


def charts_drawn(page) -> None:
    """Wait until Plotly has drawn the page's graphs."""
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=true]')")


@pytest.mark.parametrize("who", ["lead@x.test", "manager@x.test"])
def test_every_page_opens(dashboard_world, desktop, shot, who):
    """Overview, Themes, Readiness and Strategies through the navigation; filters carried."""
    page = desktop.new_page()
    sign_in(page, who)
    page.goto("/dash/?group=patient")
    expect(page.get_by_role("heading", level=2)).to_have_text("Overview")
    charts_drawn(page)
    expect(page.locator("#freshness")).to_contain_text(
        re.compile(r"latest response \d{4}-\d\d-\d\d"))
    shot(page, "overview")
    for path, title in PAGES[1:]:
        page.get_by_role("navigation", name="Dashboards").get_by_role("link", name=title).click()
        page.wait_for_url(re.compile(rf"/dash/{path}\?group=patient$"))
        expect(page.get_by_role("heading", level=2)).to_have_text(title)
        if path != "strategies":
            charts_drawn(page)
        shot(page, path)
    page.goto("/dash/readiness")
    expect(page.locator("#readiness-formula")).not_to_be_empty()
    reports = page.get_by_role("link", name=re.compile("Printable readiness report"))
    expect(reports.first).to_be_visible()


def test_a_click_shows_the_quotes_behind_a_cell(dashboard_world, desktop, shot):
    """Click the heatmap: quotes appear, each tag marked machine or person."""
    page = desktop.new_page()
    sign_in(page, "lead@x.test")
    page.goto("/dash/themes")
    charts_drawn(page)
    heatmap = page.locator("#g-theme_by_group .nsewdrag").first
    expect(heatmap).to_be_visible()
    box = heatmap.bounding_box()
    label = page.locator("#g-theme_by_group .ytick", has_text="Technical faults and bugs")
    row = label.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, row["y"] + row["height"] / 2)
    expect(page.locator("#quotes h3")).to_contain_text("Technical faults and bugs")
    expect(page.locator("#quotes .quote").first).to_be_visible()
    expect(page.locator("#quotes .badge-machine").first).to_have_text("machine")
    shot(page, "quotes")


def test_filters_write_the_url(dashboard_world, desktop):
    """Choosing a group in the bar puts it in the URL; reloading keeps it."""
    page = desktop.new_page()
    sign_in(page, "lead@x.test")
    page.goto("/dash/")
    charts_drawn(page)
    page.locator("#f-group").click()
    page.get_by_role("option", name="Therapists").click()
    page.wait_for_url(re.compile(r"group=therapist"))
    page.reload()
    charts_drawn(page)
    expect(page.locator("#f-group")).to_contain_text("Therapists")


def test_a_manager_cannot_reach_another_service(dashboard_world, desktop, shot):
    """By URL: nothing of Bristol, and a notice; by filter: Bristol is not offered; the
    printable report of Bristol is a 404."""
    bristol = dashboard_world.services["bristol"].id
    page = desktop.new_page()
    sign_in(page, "manager@x.test")
    page.goto(f"/dash/?service={bristol}")
    charts_drawn(page)
    expect(page.locator("#f-notice")).to_contain_text("cannot see")
    expect(page.locator("#g-responses_service")).to_contain_text("No responses in this view")
    expect(page.locator("body")).not_to_contain_text("Bristol")
    shot(page, "url")
    page.goto(f"/dash/themes?service={bristol}")
    charts_drawn(page)
    expect(page.locator("#g-theme_by_group")).to_contain_text("No coded mentions")
    page.locator("#f-service").click()
    expect(page.get_by_role("option", name="Leeds Talking Therapies")).to_be_visible()
    expect(page.get_by_role("option", name="Bristol Wellbeing")).to_have_count(0)
    shot(page, "filter")
    response = page.goto(f"/reports/{bristol}")
    assert response.status == 404
    own = page.goto(f"/reports/{dashboard_world.services['leeds'].id}")
    assert own.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Leeds Talking Therapies")
    shot(page, "report")
