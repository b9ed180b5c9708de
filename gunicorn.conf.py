"""gunicorn settings; each can be overridden from the environment."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# No preload: each worker builds the app, and so its database engine, after the fork; an
# engine's pooled connections must never be shared between processes.
preload_app = False
# No access log by default: invitation URLs carry tokens and logs must not.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def post_worker_init(worker):
    """Build the coding engine before the worker takes requests, not in someone's submission."""
    from portal.domain.tagging import warm_up
    from portal.extensions import db

    app = worker.wsgi
    try:
        with app.app_context():
            warm_up(db.session)
    except Exception:  # no database yet, say: the first submission builds it instead
        worker.log.warning("could not warm up the coding engine", exc_info=True)
