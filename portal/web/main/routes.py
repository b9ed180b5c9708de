"""The signed-in home page."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.domain.scoping import visible_services
from portal.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Send visitors to sign in, staff to their home."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.route("/home")
@login_required
def home():
    """Show what this role can do."""
    services = db.session.scalars(visible_services(current_user)).all()
    return render_template("main/home.html", services=services)


@bp.route("/healthz")
def healthz():
    """Tell a load balancer the process is up."""
    return {"status": "ok"}
