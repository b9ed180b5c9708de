"""Erasure on request: find a response by its reference, confirm, erase, list past erasures."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError

from portal.database import begin_write
from portal.domain.erasure import (
    ResponseNotFound,
    can_erase,
    erase_response,
    find_response,
    normalise_reference,
    recent_erasures,
    response_summary,
)
from portal.extensions import db
from portal.web.data.forms import EraseForm
from portal.web.errors import busy_page, forget_session
from portal.web.guards import form_refuses_nul

NOT_FOUND = "No response has this reference code; it may already be erased, or mistyped."

bp = Blueprint("data", __name__, url_prefix="/data")


@bp.before_request
@login_required
def require_eraser():
    """Only administrators and implementation leads reach these pages."""
    if not can_erase(current_user):
        abort(403)


@bp.route("/erase", methods=["GET", "POST"])
@form_refuses_nul
def erase():
    """Ask for the reference and reason; then confirm; then erase (post/redirect/get)."""
    form = EraseForm()
    if not form.validate_on_submit():
        return render_template("data/erase.html", form=form,
                               erasures=recent_erasures(db.session)), 400 if form.errors else 200
    reference = normalise_reference(form.reference.data)
    response = find_response(db.session, reference)
    if response is None:
        form.reference.errors = [NOT_FOUND]
        return render_template("data/erase.html", form=form,
                               erasures=recent_erasures(db.session)), 404
    if form.confirmed.data != reference:
        form.reference.data, form.confirmed.data = reference, reference
        return render_template("data/confirm.html", form=form,
                               summary=response_summary(db.session, response))
    try:
        begin_write(db.session)
        erasure = erase_response(db.session, current_user, reference, form.reason.data)
        db.session.commit()
    except ResponseNotFound:
        forget_session()
        flash(NOT_FOUND)
        return redirect(url_for(".erase"))
    except OperationalError:
        forget_session()
        return busy_page()
    _forget_dashboard_cache()
    flash(f"Response {erasure.reference} is erased, with its codings, its counts and every "
          "copy of its words in requests.")
    return redirect(url_for(".erase"))


def _forget_dashboard_cache() -> None:
    """This process's cached aggregates go now; other workers' fall out by the data version."""
    from dashboards.cache import app_cache

    app_cache().clear()
