"""Background jobs: a thread without Redis, RQ workers with it; progress and failure recorded."""

import os

import pytest
from sqlalchemy import func, select

from portal import jobs
from portal.domain import tagging
from portal.domain.codebooks import current_version
from portal.domain.review import TagInput, save_coding
from portal.extensions import db
from portal.models import Answer, Coding, Job, TaggerState
from tests.conftest import fresh

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_connection():
    """An empty Redis database for the test; skipped without Redis, except under CI."""
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError:
        connection.close()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required under CI=true; none answers at {REDIS_URL}")
        pytest.skip("Redis is not reachable")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture(autouse=True)
def no_cached_taggers(monkeypatch):
    """Start with no cached engines: the cache is keyed by a row id other databases reuse."""
    monkeypatch.setattr(tagging, "_PLANS", {})


def machine_codings(key: str) -> list[Coding]:
    """The current machine codings under a codebook's current version."""
    version = current_version(db.session, key)
    return list(db.session.scalars(select(Coding).where(
        Coding.codebook_version_id == version.id, Coding.kind == "machine",
        Coding.current.is_(True))))


def test_without_redis_a_thread_runs_the_job_to_done_with_progress(coded):
    """The job is recorded, runs on a thread in its own session, and reports its progress."""
    before = {c.id for c in machine_codings("working-alliance")}
    job = jobs.enqueue("retag", {"codebook": "working-alliance"}, actor=coded.users["lead"])
    ticks = []
    finished = jobs.wait(job.id, timeout=60, tick=lambda done, total: ticks.append((done, total)))
    assert finished.state == "done", finished.message
    assert (finished.done, finished.total, finished.percent) == (8, 8, 100)
    assert finished.message == "Re-coded 8 answers under 1 codebook(s)."
    assert finished.created_by_id == coded.users["lead"].id
    assert finished.started_at and finished.finished_at and finished.finished
    assert ticks[-1] == (8, 8)
    fresh()
    after = {c.id for c in machine_codings("working-alliance")}
    assert len(after) == 8 and not after & before
    assert len(machine_codings("icbt-implementation")) == 8


def test_a_retrain_job_learns_and_recodes(coded):
    """Retraining runs as a job: a new revision, then every answer re-coded with it."""
    answer = db.session.scalar(select(Answer).where(Answer.item_id == "hindered"))
    save_coding(db.session, coded.users["coder"], answer,
                current_version(db.session, "icbt-implementation"),
                [TagInput("data_protection", "barrier")])
    db.session.commit()
    job = jobs.enqueue("retrain", {"codebook": "icbt-implementation"})
    finished = jobs.wait(job.id, timeout=60)
    assert finished.state == "done", finished.message
    assert finished.message == "Revision 1 learned from 2 decisions; re-coded 8 answers."
    fresh()
    assert db.session.scalar(select(func.count()).select_from(TaggerState)) == 1
    assert all(c.tagger_version.endswith(".r1") for c in machine_codings("icbt-implementation"))


def test_a_retrain_with_nothing_to_learn_says_so(coded):
    """No person has coded anything: the job finishes and explains."""
    finished = jobs.wait(jobs.enqueue("retrain", {"codebook": "working-alliance"}).id,
                         timeout=60)
    assert finished.state == "done"
    assert finished.message.startswith("Nothing to learn from yet")


def test_a_failing_job_ends_failed_with_a_message_but_no_traceback(coded):
    """The page says it failed and what kind of error, never the traceback or its text."""
    job = jobs.enqueue("retrain", {"codebook": "no-such-codebook"})
    finished = jobs.wait(job.id, timeout=60)
    assert finished.state == "failed" and finished.finished and finished.finished_at
    assert finished.message == "Failed: ValueError"
    for leak in ("Traceback", "File \"", "line ", "no such codebook"):
        assert leak not in finished.message


def test_an_unknown_kind_is_refused_before_anything_is_stored(app):
    """Only known kinds of work are recorded."""
    with pytest.raises(ValueError, match="unknown job kind"):
        jobs.enqueue("delete_everything", {})
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_finished_job_is_not_run_again(coded):
    """run() only starts queued jobs, so a duplicate delivery does nothing."""
    job = jobs.enqueue("retag", {"codebook": "therapist-support"})
    finished = jobs.wait(job.id, timeout=60)
    assert finished.state == "done"
    stamp = finished.finished_at
    jobs.run(job.id)
    jobs.run(10**6)
    again = fresh().get(Job, job.id)
    assert (again.state, again.finished_at) == ("done", stamp)


def test_a_job_s_percent_before_and_during(app):
    """Percent is 0 until the total is known, then the share done."""
    assert Job(kind="retag", done=0, total=None).percent == 0
    assert Job(kind="retag", done=3, total=8).percent == 37
    assert not Job(kind="retag", state="running").finished


def test_with_redis_the_job_goes_to_rq_and_a_worker_runs_it(app, coded, redis_connection,
                                                             monkeypatch):
    """With REDIS_URL the job waits in RQ until a worker built from the environment runs it."""
    from rq import Queue, SimpleWorker

    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    # The worker builds its own app from the environment: point it at the test's database.
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    job = jobs.enqueue("retag", {"codebook": "working-alliance"})
    queue = Queue(jobs.QUEUE, connection=redis_connection)
    assert queue.count == 1
    assert queue.jobs[0].func_name == "portal.jobs.run_in_worker"
    assert queue.jobs[0].args == (job.id,)
    assert fresh().get(Job, job.id).state == "queued"  # no thread picked it up
    worker = SimpleWorker([queue], connection=redis_connection)
    assert worker.work(burst=True)
    finished = jobs.wait(job.id, timeout=10)
    assert finished.state == "done", finished.message
    assert (finished.done, finished.total) == (8, 8)
    assert queue.count == 0
