"""Browser fixtures: the portal served from a thread, driven by Debian's Chromium.

The journeys are about the browser, so they run on SQLite only: the database layer is
covered on both backends by the rest of the suite.
"""

import os
import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
# expect() waits as long as actions do (15 s, below), not its own 5 s: on a loaded machine
# Dash draws its first charts in more than 5 s.
expect.set_options(timeout=15_000)
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")


@pytest.fixture(scope="session")
def backend():
    """Overrides the parametrized backend of tests/conftest.py: SQLite only."""
    yield "sqlite", None


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; skipped without it, failed under CI."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required under CI=true and is missing at {CHROMIUM} "
                        "(apt-get install chromium)")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """The test's app served on 127.0.0.1 from a background thread; yields the base URL.

    Each request runs in its own app context, hence its own SQLAlchemy session: commit in
    the test before the browser acts.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture
def desktop(browser, live_server):
    """A fresh desktop browser context on the live server."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A fresh phone-sized, touch browser context on the live server."""
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, device_scale_factor=2,
                                  user_agent=PHONE_USER_AGENT)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def shot(request):
    """Save a full-page screenshot named after the test and the step."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_-]+", "_", request.node.name.removeprefix("test_")).strip("_")

    def save(page, step: str) -> Path:
        path = SCREENSHOTS / f"{test}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
