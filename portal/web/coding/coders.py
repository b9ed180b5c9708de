"""Leads and admins choose which staff may code (leads and admins always may)."""

from flask import render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.domain.accounts import set_coder
from portal.extensions import db
from portal.models import Role, User
from portal.web.coding.blueprint import bp, require_lead
from portal.web.designations import designate_from_form

# Vendors never code (suppliers do not read raw feedback); leads and admins always do.
DESIGNABLE = (Role.MANAGER, Role.THERAPIST)


@bp.route("/coders")
def coders():
    """Staff who code or could: everyone but vendors (patients have no accounts)."""
    require_lead()
    staff = db.session.scalars(select(User).where(User.role != Role.VENDOR)
                               .order_by(User.name, User.id)).all()
    return render_template("coding/coders.html", staff=staff, designable=DESIGNABLE)


@bp.route("/coders/<int:user_id>", methods=["POST"])
def toggle_coder(user_id: int):
    """Designate or undesignate one member of staff as a coder, and audit it."""
    require_lead()
    return designate_from_form(
        select(User).where(User.role.in_(DESIGNABLE)), user_id,
        lambda person, on: set_coder(db.session, current_user, person, on),
        lambda name, on: f"{name} {'may now code' if on else 'no longer codes'}.",
        url_for(".coders"))
