"""Background jobs: re-tagging and retraining, run on RQ workers or on a thread in-process.

With ``REDIS_URL`` set, jobs go to the ``uptake`` queue that ``flask jobs worker`` serves, so
any number of workers on any machine share them; without it (the embedded default) a daemon
thread in the process that asked runs them. Either way progress lives in the ``jobs`` table,
where the CLI's progress bar and the page's status read it.
"""

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app

from portal.extensions import db
from portal.models import Job, User, utcnow

log = logging.getLogger(__name__)
QUEUE = "uptake"
Progress = Callable[[int, int], None]
# In-process jobs' threads, so that waiting for a job also waits for its clean-up.
_THREADS: dict[int, threading.Thread] = {}


def enqueue(kind: str, params: dict, actor: User | None = None) -> Job:
    """Record a job, commit, and hand it to a worker; returns at once."""
    if kind not in RUNNERS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job(kind=kind, params=params, created_by_id=actor.id if actor else None)
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        from redis import Redis
        from rq import Queue

        Queue(QUEUE, connection=Redis.from_url(app.config["REDIS_URL"])).enqueue(
            "portal.jobs.run_in_worker", job.id, job_timeout=6 * 3600)
    else:
        thread = threading.Thread(target=_run_in_thread, args=(app, job.id), daemon=True,
                                  name=f"uptake-job-{job.id}")
        _THREADS[job.id] = thread
        thread.start()
    return job


def _run_in_thread(app: Flask, job_id: int) -> None:
    """Run a job in its own app context (and so its own database session)."""
    with app.app_context():
        run(job_id)


def run_in_worker(job_id: int) -> None:
    """The RQ entry point: build the app from the environment and run the job."""
    from portal import create_app

    _run_in_thread(create_app(), job_id)


def run(job_id: int) -> None:
    """Run one job to completion, recording progress, success or failure."""
    session = db.session
    job = session.get(Job, job_id)
    if job is None or job.state != "queued":
        return
    job.state, job.started_at = "running", utcnow()
    session.commit()

    def progress(done: int, total: int) -> None:
        session.execute(db.update(Job).where(Job.id == job_id).values(done=done, total=total))
        session.commit()

    try:
        message = RUNNERS[job.kind](job.params, progress)
    except Exception as error:  # a failed job must say so on the page, not die silently
        session.rollback()
        log.exception("job %s (%s) failed", job_id, job.kind)
        _finish(job_id, "failed", f"Failed: {type(error).__name__}")
        return
    _finish(job_id, "done", message)


def _finish(job_id: int, state: str, message: str) -> None:
    """Mark the job finished."""
    db.session.execute(db.update(Job).where(Job.id == job_id).values(
        state=state, message=message, finished_at=utcnow()))
    db.session.commit()


def wait(job_id: int, timeout: float = 600, tick: Progress | None = None) -> Job:
    """Poll a job until it finishes (for the CLI and tests); tick(done, total) on changes."""
    deadline = time.monotonic() + timeout
    seen = (-1, -1)
    while True:
        db.session.rollback()  # see other sessions' commits
        job = db.session.get_one(Job, job_id)
        if tick and (job.done, job.total or 0) != seen:
            seen = (job.done, job.total or 0)
            tick(*seen)
        if job.finished or time.monotonic() > deadline:
            db.session.rollback()  # end the read, so nothing of ours holds the database
            thread = _THREADS.pop(job_id, None)
            if thread is not None:
                thread.join(max(0.0, deadline - time.monotonic()))
            return job
        time.sleep(0.2)


def _retag(params: dict, progress: Progress) -> str:
    """Re-code every text answer with the engine, for one codebook or all."""
    from portal.domain.codebooks import current_versions
    from portal.domain.tagging import retag

    versions = [v for v in current_versions(db.session)
                if not params.get("codebook") or v.codebook.key == params["codebook"]]
    counted = 0
    for version in versions:
        counted += retag(db.session, version, progress)
    return f"Re-coded {counted} answers under {len(versions)} codebook(s)."


def _retrain(params: dict, progress: Progress) -> str:
    """Retrain one codebook's classifiers from reviewers' decisions, then re-code with them."""
    from portal.database import begin_write
    from portal.domain.codebooks import current_version
    from portal.domain.learning import retrain
    from portal.domain.tagging import retag

    version = current_version(db.session, params["codebook"])
    if version is None:
        raise ValueError("no such codebook")
    begin_write(db.session)
    state = retrain(db.session, version)
    db.session.commit()
    if state is None:
        return "Nothing to learn from yet: no answer has been coded by a person."
    counted = retag(db.session, version, progress)
    return f"Revision {state.revision} learned from {state.corrections} decisions; " \
           f"re-coded {counted} answers."


RUNNERS: dict[str, Callable[[dict, Progress], str]] = {"retag": _retag, "retrain": _retrain}
