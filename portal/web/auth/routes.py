"""Sign in and sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.domain.accounts import authenticate
from portal.extensions import db
from portal.web.auth.forms import LoginForm

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            session.clear()  # a fresh session at sign-in: no fixation
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("That email address and password do not match an account.")
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out."""
    logout_user()
    session.clear()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//"):
            return target
    return url_for("main.home")
