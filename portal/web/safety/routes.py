"""Risk flag pages, for the service's manager and designated clinicians only."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError

from portal.database import begin_write
from portal.domain.risk import CATEGORIES
from portal.domain.safety import (
    FlagRefused,
    change_flag,
    designable_clinicians,
    find_flag,
    open_count,
    record_text_view,
    reviewable_flags,
    set_clinician,
)
from portal.extensions import db
from portal.models import utcnow
from portal.web.designations import designate_from_form
from portal.web.errors import busy_page, forget_session
from portal.web.guards import form_refuses_nul
from portal.web.safety.forms import FlagForm

bp = Blueprint("safety", __name__, url_prefix="/safety")


@bp.before_request
@login_required
def require_reviewer():
    """Only those who review risk for a service reach these pages; vendors never do."""
    if not current_user.reviews_risk:
        abort(403)


@bp.app_context_processor
def risk_nav():
    """The open-flag count for the nav, asked only for people who review risk."""
    if not getattr(current_user, "is_authenticated", False) or not current_user.reviews_risk:
        return {"open_risk_flags": None}
    return {"open_risk_flags": open_count(db.session, current_user)}


@bp.route("/")
def index():
    """Open and acknowledged flags of the user's service, oldest first; no answer text here."""
    view = request.args.get("view", "open")
    statuses = ("closed",) if view == "closed" else ("open", "acknowledged")
    flags = db.session.scalars(reviewable_flags(current_user, statuses=statuses)
                               .limit(500)).all()
    clinicians = db.session.scalars(designable_clinicians(current_user)).all()
    return render_template("safety/index.html", flags=flags, view=view, categories=CATEGORIES,
                           clinicians=clinicians)


@bp.route("/<int:flag_id>")
def show(flag_id: int):
    """One flag with the answer as written; every showing of the text is audited."""
    flag = find_flag(db.session, current_user, flag_id)
    if flag is None:
        abort(404)
    try:
        begin_write(db.session)
        flag = find_flag(db.session, current_user, flag_id)
        record_text_view(db.session, current_user, flag)
        db.session.commit()
    except OperationalError:
        forget_session()
        return busy_page()
    return _render(flag_id)


@bp.route("/<int:flag_id>", methods=["POST"])
@form_refuses_nul
def change(flag_id: int):
    """Acknowledge or close a flag with a note."""
    if find_flag(db.session, current_user, flag_id) is None:
        abort(404)
    form = FlagForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        problem = " ".join(error for errors in form.errors.values() for error in errors)
        return _show_again(flag_id, problem, form.note.data)
    try:
        begin_write(db.session)
        flag = find_flag(db.session, current_user, flag_id)
        change_flag(db.session, flag, current_user, form.status.data or "",
                    form.note.data or "", utcnow())
        db.session.commit()
    except FlagRefused as error:
        db.session.rollback()
        return _show_again(flag_id, str(error), form.note.data)
    except OperationalError:
        forget_session()
        return busy_page()
    flash("The flag is now acknowledged." if flag.status == "acknowledged"
          else "The flag is closed.")
    return redirect(url_for(".show", flag_id=flag_id) if flag.status != "closed"
                    else url_for(".index"))


@bp.route("/clinicians/<int:user_id>", methods=["POST"])
def designate(user_id: int):
    """A manager designates or undesignates a therapist of their own service, audited."""
    return designate_from_form(
        designable_clinicians(current_user), user_id,
        lambda person, on: set_clinician(db.session, current_user, person, on),
        lambda name, on: f"{name} {'now reviews' if on else 'no longer reviews'} risk flags.",
        url_for(".index"))


def _show_again(flag_id: int, problem: str, note: str | None):
    """The flag page again after a refused change, with the note kept; the showing audited."""
    begin_write(db.session)
    record_text_view(db.session, current_user, find_flag(db.session, current_user, flag_id))
    db.session.commit()
    return _render(flag_id, problem=problem, note=note, status=400)


def _render(flag_id: int, problem: str | None = None, note: str | None = None,
            status: int = 200):
    """The flag page with the note as typed; the text view was audited by the caller."""
    flag = find_flag(db.session, current_user, flag_id)
    if flag is None:
        abort(404)
    return render_template("safety/show.html", flag=flag, categories=CATEGORIES,
                           problem=problem, note=note or ""), status
