"""The dashboards work under the Content-Security-Policy in real Chromium: charts drawn, no
violation reported in the console or as a securitypolicyviolation event."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_dashboards import PAGES, charts_drawn, dashboard_world, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

# Every violation fires this event in the page, whether or not the console shows it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));
"""


def test_dashboards_draw_under_the_csp(dashboard_world, desktop, shot):  # noqa: F811
    """Every dashboard page and a survey page: charts drawn, a callback answered, no violation."""
    console: list[str] = []
    desktop.add_init_script(RECORD_VIOLATIONS)
    page = desktop.new_page()
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    sign_in(page, "lead@x.test")
    response = page.goto("/dash/?group=patient")
    csp = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in csp and "'unsafe-inline'" not in csp.split("script-src")[1] \
        .split(";")[0]
    for path, title in PAGES:
        if path:
            page.get_by_role("navigation", name="Dashboards").get_by_role("link",
                                                                          name=title).click()
            page.wait_for_url(re.compile(rf"/dash/{path}"))
        expect(page.get_by_role("heading", level=2)).to_have_text(title)
        if path != "strategies":
            # A busy machine draws slowly: wait longer than charts_drawn's default.
            expect(page.locator(".js-plotly-plot svg.main-svg").first).to_be_visible(
                timeout=30_000)
            charts_drawn(page)
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], violations
        shot(page, f"csp-{path or 'overview'}")
    # The policy is live: an injected inline script does not run, and is reported.
    ran = page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__injected = 1'; document.body.appendChild(s);
        return window.__injected === 1; }""")
    assert ran is False
    page.wait_for_function("() => window.__cspViolations.length > 0")
    console.clear()
    page.goto(f"/i/{dashboard_world.links['patient'].token}")
    expect(page.get_by_role("button", name="Send my answers")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    # Portal pages with scripts and inline styles: the readiness report, a link and its poster.
    leeds, link = dashboard_world.services["leeds"].id, dashboard_world.links["patient"].id
    for path in (f"/reports/{leeds}", f"/links/{link}", f"/links/{link}/poster"):
        assert page.goto(path).status == 200
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], path
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.__printed") is True  # the handler is bound without inline JS
    problems = [line for line in console
                if "Content Security Policy" in line or "Content-Security-Policy" in line
                or line.startswith("pageerror")]
    assert problems == [], problems
