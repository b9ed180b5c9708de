"""Error pages, and the 503 that a busy or absent database deserves."""

import logging

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from portal.extensions import db

log = logging.getLogger(__name__)


def register(app: Flask) -> None:
    """Install the handlers."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(OperationalError, database_unavailable)


def http_error(error: HTTPException):
    """Render an HTTP error as a page."""
    return render_template("errors/error.html", code=error.code, title=error.name,
                           message=error.description), error.code


def csrf_error(error: CSRFError):
    """Explain a missing or stale form token."""
    message = ("This form could not be accepted because its security token was missing or "
               "out of date. Go back, reload the page and send it again.")
    return render_template("errors/error.html", code=400, title="Form not accepted",
                           message=message), 400


def database_unavailable(error: OperationalError):
    """Answer a locked or unreachable database with 503 and Retry-After, not 500."""
    forget_session()
    # The statement may carry answers; log only its kind.
    log.warning("database unavailable on %s %s: %s", request.method, request.endpoint,
                type(error.orig).__name__)
    return busy_page()


def busy_page(body: str | None = None):
    """Return a 503 response asking the client to retry shortly."""
    seconds = current_app.config["RETRY_AFTER_SECONDS"]
    # A page of its own, not base.html: the signed-in header would ask the database again.
    body = body or render_template("errors/unavailable.html", seconds=seconds)
    return body, 503, {"Retry-After": str(seconds)}


def forget_session() -> None:
    """Roll back, keeping the signed-in user readable for the page (a rollback expires it)."""
    user = current_user._get_current_object() if current_user else None
    if user is not None and getattr(user, "is_authenticated", False) and user in db.session:
        db.session.expunge(user)
    db.session.rollback()
