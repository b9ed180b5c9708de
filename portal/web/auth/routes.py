"""Sign in, sign out and change one's password."""

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from portal.database import begin_write
from portal.domain.accounts import WrongPassword, authenticate, change_password
from portal.domain.audit import record
from portal.domain.sessions import end_all_sessions
from portal.extensions import db
from portal.models import User, clock
from portal.web.auth import sessions
from portal.web.auth.forms import ChangePasswordForm, LoginForm
from portal.web.auth.throttle import throttle
from portal.web.errors import busy_page, forget_session
from portal.web.guards import form_refuses_nul

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)

MISMATCH = "That email address and password do not match an account."


@bp.route("/login", methods=["GET", "POST"])
@form_refuses_nul
def login():
    """Show the sign-in form and sign in, unless the account or this client is throttled."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            outcome = _attempt(form.email.data, form.password.data)
        except (OperationalError, RedisError) as error:
            forget_session()
            log.warning("sign-in store unavailable: %s", type(error).__name__)
            return busy_page()
        if isinstance(outcome, User):
            return redirect(_safe_next(request.args.get("next")))
        if outcome is not None:  # throttled: say so, and when to try again
            form.password.errors.append(
                f"Too many failed sign-ins {outcome[0]}. Try again in {_minutes(outcome[1])}.")
            return render_template("auth/login.html", form=form), 429, \
                {"Retry-After": str(outcome[1])}
        form.password.errors.append(MISMATCH)
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def _attempt(email: str, password: str) -> User | tuple[str, int] | None:
    """Try one sign-in; return the user, (why, seconds) when throttled, or None on failure.

    Failures, lockouts and sign-ins are audited and committed here; the password is checked
    only when neither the account nor the client is over its limit.
    """
    now, address = clock.utcnow(), request.remote_addr or "unknown"
    limiter = throttle()
    begin_write(db.session)
    block = limiter.blocked(email, address, now)
    if block is not None:
        known = _known(email)
        record(db.session, None, "auth.login_refused", "user", known,
               after={"reason": block.reason, "client": address})
        db.session.commit()
        log.info("sign-in refused unchecked (%s limit) for user %s", block.reason, known)
        return ("for this account" if block.reason == "account" else "from this network",
                block.retry_after)
    user = authenticate(db.session, email, password)
    if user is None:
        known = _known(email)
        locked = limiter.failed(email, address, now)
        record(db.session, None, "auth.login_failed", "user", known,
               after={"client": address})
        if locked:
            record(db.session, None, "auth.lockout", "user", known,
                   after={"client": address, "minutes": _window_minutes(limiter)})
        db.session.commit()
        log.info("sign-in failed for user %s", known)
        return None
    limiter.succeeded(email)
    sessions.begin(user)
    record(db.session, user, "auth.login", "user", user.id, after={"client": address})
    db.session.commit()
    return user


def _known(email: str) -> int | None:
    """The id of the account with this email, if there is one; never the typed text."""
    return db.session.scalar(select(User.id).where(func.lower(User.email)
                                                   == email.strip().lower()))


def _window_minutes(limiter) -> int:
    """The throttle window in whole minutes."""
    return int(limiter.limits.window.total_seconds() // 60)


def _minutes(seconds: int) -> str:
    """Seconds as whole minutes, rounded up, in words."""
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out: this session ends on the server, so a copy of its cookie stops working."""
    user = current_user._get_current_object()
    try:
        begin_write(db.session)
        record(db.session, user, "auth.logout", "user", user.id)
        sessions.finish("logout")
        db.session.commit()
    except OperationalError:
        forget_session()
        return busy_page()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@form_refuses_nul
@login_required
def password():
    """Change one's password; every other session of the account ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        now, address = clock.utcnow(), request.remote_addr or "unknown"
        try:
            limiter = throttle()
            begin_write(db.session)
            block = limiter.blocked(user.email, address, now)
            try:
                if block is not None:
                    raise WrongPassword(f"Too many failed tries. Try again in "
                                        f"{_minutes(block.retry_after)}.")
                change_password(db.session, user, form.current.data, form.new.data)
            except WrongPassword as error:
                # A stolen session must not become a way to guess the password.
                if block is None:
                    limiter.failed(user.email, address, now)
                    record(db.session, user, "user.password_change_failed", "user", user.id)
                db.session.commit()
                form.current.errors.append(str(error))
            except ValueError as error:
                db.session.rollback()
                form.new.errors.append(str(error))
            else:
                ended = end_all_sessions(db.session, user, clock.utcnow(), "password")
                record(db.session, user, "user.password_changed", "user", user.id,
                       after={"sessions_ended": ended})
                sessions.begin(user)  # a new session for this browser only
                db.session.commit()
                flash("Your password is changed. You were signed out everywhere else.")
                return redirect(url_for("main.home"))
        except (OperationalError, RedisError):
            forget_session()
            return busy_page()
    status = 400 if form.errors else 200
    return render_template("auth/password.html", form=form), status


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//"):
            return target
    return url_for("main.home")
