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
