"""Submissions survive SIGKILLed workers and a killed server: none lost, none doubled."""

import pytest

from tests.conftest import drop_everything
from tests.reliability.chaos import Settings, run

pytestmark = pytest.mark.slow


@pytest.fixture
def target(empty_app, database_url, tmp_path):
    """An empty database on the current backend, and a file for gunicorn's log."""
    yield database_url, tmp_path / "gunicorn.log"
    drop_everything()


def summary(name: str, tally, report) -> str:
    """What the run did and found, printed for the CI log."""
    return (f"\nchaos[{name}] {report.line()} unacknowledged={tally.unacknowledged} "
            f"retries={tally.retries} worker_kills={tally.worker_kills} "
            f"server_restarts={tally.server_restarts} refused={dict(tally.refused)}")


def test_every_acknowledged_submission_is_stored_exactly_once(target, backend, capsys):
    """Workers SIGKILLed at random and the whole server once: nothing acknowledged goes missing."""
    url, log = target
    tally, report = run(url, "wsgi:app", Settings(), log)
    with capsys.disabled():  # in the CI log whether or not it passes
        print(summary(backend[0], tally, report))
    assert report.acknowledged >= 100, "too few submissions went through to prove anything"
    assert tally.worker_kills > 0 and tally.server_restarts == 1
    assert not tally.refused, tally.refused
    assert report.lost == [], report.lost[:10]
    assert report.duplicated == [], report.duplicated[:10]
    assert report.half_stored == [], report.half_stored[:10]
    assert report.integrity == [], report.integrity[:10]


def test_the_checker_catches_an_entry_that_acknowledges_before_it_commits(target, backend,
                                                                          capsys):
    """The same harness over a broken entry (tests/reliability/broken_wsgi.py) reports loss."""
    url, log = target
    settings = Settings(seconds=15)
    tally, report = run(url, "tests.reliability.broken_wsgi:app", settings, log)
    with capsys.disabled():
        print(summary(f"{backend[0]}, broken", tally, report))
    assert report.acknowledged > 0
    assert len(report.lost) > 0, "the checker did not notice submissions acknowledged unsaved"
