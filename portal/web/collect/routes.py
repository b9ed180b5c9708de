"""Answering a survey: by invitation link, or signed in as staff."""

import logging
import sqlite3

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal.database import begin_write
from portal.domain.answers import AnswersInvalid, clean_answers
from portal.domain.instruments import current_version
from portal.domain.invitations import InvitationUnavailable, find_invitation
from portal.domain.scoping import own_responses, visible_services
from portal.domain.submissions import (
    REFERENCE,
    find_submission,
    new_idempotency_key,
    submit_response,
)
from portal.domain.tagging import precode
from portal.extensions import csrf, db
from portal.models import Instrument, InstrumentVersion, Invitation, Response, Service, User
from portal.web.collect.forms import META_FIELDS, survey_form_class
from portal.web.errors import busy_page, database_unavailable, forget_session
from portal.web.guards import accepts_undecodable

BUSY_MESSAGE = ("The portal is busy and could not save your answers yet. They are still here: "
                "please send the form again in a few seconds.")
FULL_MESSAGE = ("The portal's storage is full, so your answers could not be saved. Nothing was "
                "stored. They are still here: please keep a copy and send the form again later.")
# SQLSTATE disk_full: PostgreSQL could not grow a file.
PG_DISK_FULL = "53100"

log = logging.getLogger(__name__)

bp = Blueprint("collect", __name__)
# Survey forms check their own CSRF token (FlaskForm), so that a stale token re-shows the
# form with the person's answers instead of a bare error page.
csrf.exempt(bp)


@bp.route("/i/<token>", methods=["GET", "POST"])
@accepts_undecodable
def invited(token: str):
    """Answer the survey an invitation link points to."""
    try:
        invitation = find_invitation(db.session, token)
    except InvitationUnavailable as error:
        # A resend of a form whose response used the link's last place still finds it.
        if request.method == "POST" and (done := _already_submitted()) is not None:
            return redirect(url_for(".thanks", reference=done.reference))
        status = 404 if error.reason == "missing" else 410
        return render_template("collect/unavailable.html", message=str(error)), status
    user = current_user if _answers_as_staff(invitation) else None
    return _survey(invitation.instrument, invitation.service, invitation=invitation, user=user)


@bp.route("/survey")
@login_required
def choose():
    """List the surveys the signed-in user can answer, per service."""
    group = current_user.role.stakeholder_group
    services = [s for s in db.session.scalars(visible_services(current_user))
                if current_user.can_answer_as_staff(s)]
    instruments = db.session.scalars(
        select(Instrument).where(Instrument.stakeholder_group == group).order_by(Instrument.title)
    ).all() if group else []
    return render_template("collect/choose.html", services=services, instruments=instruments)


@bp.route("/survey/<int:service_id>/<key>", methods=["GET", "POST"])
@login_required
@accepts_undecodable
def staff_survey(service_id: int, key: str):
    """Answer one's own group's survey for a service while signed in."""
    done = _already_submitted() if request.method == "POST" else None
    if done is not None and done.user_id == current_user.id:
        return redirect(url_for(".thanks", reference=done.reference))
    service = db.session.scalar(visible_services(current_user).where(Service.id == service_id))
    instrument = db.session.scalar(select(Instrument).where(
        Instrument.key == key, Instrument.stakeholder_group == current_user.role.stakeholder_group))
    if service is None or instrument is None or not current_user.can_answer_as_staff(service):
        abort(404)
    return _survey(instrument, service, invitation=None, user=current_user)


@bp.route("/thanks/<reference>")
def thanks(reference: str):
    """Confirm a submission with its reference code."""
    if not REFERENCE.match(reference):
        abort(404)
    response = db.session.scalar(select(Response).where(Response.reference == reference))
    if response is None:
        abort(404)
    return render_template("collect/thanks.html", response=response)


@bp.route("/me/submissions")
@login_required
def my_submissions():
    """List the signed-in user's own submissions."""
    responses = db.session.scalars(own_responses(current_user)).all()
    return render_template("collect/mine.html", responses=responses)


@bp.route("/me/submissions/<reference>")
@login_required
def my_submission(reference: str):
    """Show one of the signed-in user's own submissions."""
    if not REFERENCE.match(reference):
        abort(404)
    response = db.session.scalar(own_responses(current_user).where(Response.reference == reference))
    if response is None:
        abort(404)
    return render_template("collect/submission.html", response=response,
                           definition=response.instrument_version.definition)


def _survey(instrument: Instrument, service: Service, *, invitation: Invitation | None,
            user: User | None):
    """Render the form, or store a posted response and redirect to its confirmation."""
    version = _version_for(instrument, request.form.get("version"))
    form = survey_form_class(version)()
    # Kept as plain values: a rollback expires ORM objects, and the busy page must be able to
    # show the form again without reading a database that may be down.
    page = {"definition": version.definition, "service_name": service.name}
    summary: list[str] = []
    status = 200
    if request.method == "GET":
        form.submission_key.data = new_idempotency_key()
        form.version.data = str(version.id)
    elif g.undecodable_form:
        summary.append("Some of the text arrived garbled (it was not valid UTF-8). Please check "
                       "your answers: broken characters show as �.")
        status = 400
    elif not form.validate():
        if form.csrf_token.errors:
            summary.append("This form's security token was missing or out of date. Your answers "
                           "are still here: please send the form again.")
        else:
            # Say everything that is wrong at once, not the consent box first and answers next.
            _add_answer_errors(form, summary, version.definition, _posted_answers())
        status = 400
    else:
        raw = _posted_answers()
        try:
            precode(db.session, version, raw)
            begin_write(db.session)
            submission = submit_response(
                db.session, version=version, service=service, answers=raw,
                idempotency_key=form.submission_key.data or "", invitation=invitation, user=user)
            reference = submission.reference
            db.session.commit()
            return redirect(url_for(".thanks", reference=reference))
        except AnswersInvalid as error:
            db.session.rollback()
            _show_answer_errors(form, summary, error)
            status = 400
        except InvitationUnavailable as error:
            db.session.rollback()
            summary.append(f"{error} Your answers are kept below so that you can copy them.")
            status = 410
        except (PermissionError, ValueError) as error:
            db.session.rollback()
            summary.append(str(error))
            status = 400
        except OperationalError as error:
            forget_session()
            if storage_full(error):
                log.error("storage full: a submission was refused and nothing stored")
            summary.append(FULL_MESSAGE if storage_full(error) else BUSY_MESSAGE)
            return busy_page(_render(form, page, summary))
    return _render(form, page, summary), status


@bp.errorhandler(OperationalError)
def unavailable_before_the_form(error: OperationalError):
    """A database that fails before the form can be rebuilt: 503, and a POST's text kept."""
    if request.method != "POST":
        return database_unavailable(error)
    database_unavailable(error)  # rolls back and logs, as for any page
    # The definition is out of reach, so the posted fields come back as they were sent: the
    # text to read or copy, and a button that sends the same form (and key) again.
    kept = list(request.form.items(multi=True))
    texts = [value for name, value in kept if name not in META_FIELDS and value.strip()]
    return busy_page(render_template("collect/busy.html", kept=kept, texts=texts,
                                     seconds=current_app.config["RETRY_AFTER_SECONDS"]))


def storage_full(error: OperationalError) -> bool:
    """True when the database refused a write because its disk (or size limit) is full."""
    orig = error.orig
    if isinstance(orig, sqlite3.OperationalError):
        return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return getattr(orig, "sqlstate", None) == PG_DISK_FULL


def _render(form, page: dict, summary: list[str]) -> str:
    """Render the survey page."""
    return render_template("collect/form.html", form=form, summary=summary, **page)


def _posted_answers() -> dict[str, str]:
    """The posted fields that claim to be answers (unknown ones are refused by the domain)."""
    return {k: v for k, v in request.form.items() if k not in META_FIELDS}


def _add_answer_errors(form, summary: list[str], definition: dict, raw: dict) -> None:
    """Check the answers without storing them and show what is wrong."""
    try:
        clean_answers(definition, raw)
    except AnswersInvalid as error:
        _show_answer_errors(form, summary, error)


def _show_answer_errors(form, summary: list[str], error: AnswersInvalid) -> None:
    """Put the domain's messages beside their questions and in the summary."""
    for item_id, message in error.item_errors.items():
        form[item_id].errors = [*form[item_id].errors, message]
    summary.extend(error.form_errors)
    form.section_errors = error.section_errors  # linked from the summary to their section


def _version_for(instrument: Instrument, posted: str | None) -> InstrumentVersion:
    """Use the version the form was rendered from, so a mid-answer change cannot break it."""
    if posted and posted.isascii() and posted.isdigit() and len(posted) <= 18:
        version = db.session.get(InstrumentVersion, int(posted))
        if version is not None and version.instrument_id == instrument.id:
            return version
    return current_version(db.session, instrument)


def _already_submitted() -> Response | None:
    """Find the response an earlier send of this same form made."""
    return find_submission(db.session, request.form.get("submission_key", ""))


def _answers_as_staff(invitation: Invitation) -> bool:
    """A signed-in staff member answering their own group's link keeps it in their history."""
    return (current_user.is_authenticated and not invitation.instrument.is_anonymous
            and current_user.role.stakeholder_group == invitation.instrument.stakeholder_group
            and current_user.can_answer_as_staff(invitation.service))
