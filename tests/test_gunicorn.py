"""The real serving stack: gunicorn with two workers, concurrent submissions."""

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from portal import create_app
from portal.config import REPO_ROOT
from portal.extensions import db
from tests.conftest import drop_everything
from tests.reliability.chaos import free_port, prepare

pytestmark = pytest.mark.slow
HIDDEN = re.compile(r'name="(csrf_token|submission_key|version)" type="hidden" value="([^"]*)"')


@pytest.fixture
def served(database_url):
    """A migrated database with one patient link, served by gunicorn (2 workers)."""
    url = database_url
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "gunicorn-test", "FLASK_APP": "wsgi"}
    token = prepare(url, "gunicorn-test")
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "wsgi:app"], cwd=REPO_ROOT,
                              env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # workers import Dash and pandas before answering
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base, token, url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        with create_app({"SQLALCHEMY_DATABASE_URI": url}).app_context():
            drop_everything()
            db.engine.dispose()


def submit_once(base: str, token: str, index: int) -> int:
    """Load the form, send it twice (a double click), return the statuses' set size."""
    session = requests.Session()
    page = session.get(f"{base}/i/{token}", timeout=10)
    fields = dict(HIDDEN.findall(page.text))
    data = {**fields, "helped": f"Answer number {index} 🙂", "consent": "y"}
    first = session.post(f"{base}/i/{token}", data=data, allow_redirects=False, timeout=30)
    second = session.post(f"{base}/i/{token}", data=data, allow_redirects=False, timeout=30)
    assert first.status_code == second.status_code == 302, (first.status_code, first.text[:300])
    assert first.headers["Location"] == second.headers["Location"]
    return index


def test_concurrent_submissions_through_gunicorn_are_stored_once_each(served):
    """40 people, each double-clicking, across two workers: 40 responses, 40 uses."""
    base, token, url = served
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = list(pool.map(lambda i: submit_once(base, token, i), range(40)))
    assert len(done) == 40
    engine = create_engine(url)
    with engine.connect() as connection:
        texts = connection.execute(text(
            "SELECT value_text FROM answers WHERE item_id = 'helped'")).scalars().all()
        uses = connection.execute(text("SELECT uses FROM invitations")).scalar()
        if engine.dialect.name == "sqlite":
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    assert sorted(texts) == sorted(f"Answer number {i} 🙂" for i in range(40))
    assert uses == 40
