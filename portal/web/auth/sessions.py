"""The glue between Flask's signed cookie, Flask-Login and the server-side session records."""

from datetime import timedelta

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import OperationalError

from portal.domain.sessions import Timeouts, end_session, live_user, start_session
from portal.extensions import db
from portal.models import User, clock

SESSION_KEY = "sid"
# What someone with a temporary password may reach: the page to replace it, and the way out.
OPEN_WITH_TEMPORARY_PASSWORD = frozenset({"auth.password", "auth.logout", "static"})


def timeouts() -> Timeouts:
    """The configured idle and absolute timeouts."""
    config = current_app.config
    return Timeouts(idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                    absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user only while the cookie's server-side session lives."""
    if not user_id.isdigit():
        return None
    user, touched = live_user(db.session, int(user_id), session.get(SESSION_KEY),
                              clock.utcnow(), timeouts())
    if touched:
        try:
            db.session.commit()
        except OperationalError:
            # A busy SQLite must not fail the page: last_seen_at is written next minute.
            db.session.rollback()
    if user is None:
        session.pop(SESSION_KEY, None)
    return user


def begin(user: User) -> None:
    """Give the browser a brand-new session for this user (no fixation); caller commits."""
    token = start_session(db.session, user, clock.utcnow())
    session.clear()
    session[SESSION_KEY] = token
    login_user(user)


def finish(why: str) -> None:
    """End this browser's server-side session and forget its cookie; caller commits."""
    end_session(db.session, session.get(SESSION_KEY), clock.utcnow(), why)
    logout_user()
    session.clear()


def register(app: Flask) -> None:
    """Check the session as each request starts, before any view has begun to write.

    Flask-Login loads the user lazily, at the first current_user; the loader may commit
    (last_seen_at, a timeout), which must never commit a view's half-made changes.
    """

    @app.before_request
    def check_session_first() -> None:
        """Resolve current_user now."""
        if SESSION_KEY in session or "_user_id" in session:
            _ = current_user.is_authenticated

    @app.before_request
    def own_password_first():
        """Someone signed in with a temporary password chooses their own before going on."""
        if request.endpoint in OPEN_WITH_TEMPORARY_PASSWORD \
                or not getattr(current_user, "is_authenticated", False) \
                or not current_user.must_change_password:
            return None
        flash("Choose your own password before going on: an administrator set the one you "
              "signed in with.")
        return redirect(url_for("auth.password"))
