"""Leads and admins choose which staff may code (leads and admins always may)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal.database import begin_write
from portal.domain.audit import record
from portal.extensions import db
from portal.models import Role, User
from portal.web.coding.blueprint import bp, require_lead
from portal.web.errors import busy_page, forget_session

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
    """Designate or undesignate one member of staff as a coder, and audit it.

    The form says which state it wants, so sending it twice does not flip the person back.
    """
    require_lead()
    wanted = request.form.get("designate")
    if not FlaskForm().validate_on_submit() or wanted not in ("0", "1"):
        abort(400)
    try:
        begin_write(db.session)
        person = db.session.scalar(select(User).where(User.id == user_id,
                                                      User.role.in_(DESIGNABLE)))
        if person is None:
            abort(404)
        before = person.is_coder
        person.is_coder = wanted == "1"
        if person.is_coder != before:
            record(db.session, current_user, "user.coder", "user", person.id,
                   before={"is_coder": before}, after={"is_coder": person.is_coder})
        name, now = person.name, person.is_coder
        db.session.commit()
    except OperationalError:
        forget_session()
        return busy_page()
    flash(f"{name} {'may now code' if now else 'no longer codes'}.")
    return redirect(url_for(".coders"))
