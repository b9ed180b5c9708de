"""Invitation links: create, list, show as QR code and poster, withdraw."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from wtforms.fields.choices import SelectChoice

from portal.database import begin_write
from portal.domain.invitations import create_invitation, qr_svg, revoke_invitation
from portal.domain.scoping import manageable_invitations, manageable_services
from portal.extensions import db
from portal.models import Instrument, Invitation, utcnow
from portal.web.downloads import attachment
from portal.web.errors import busy_page, forget_session
from portal.web.guards import form_refuses_nul
from portal.web.links.forms import InvitationForm

BUSY = "The portal is busy and could not create the link yet; please send the form again."

bp = Blueprint("links", __name__, url_prefix="/links")


@bp.before_request
@login_required
def require_login():
    """Every page here is for signed-in staff."""


@bp.route("/")
def index():
    """List the links the user manages."""
    invitations = db.session.scalars(manageable_invitations(current_user)).all()
    can_create = db.session.scalar(manageable_services(current_user).limit(1)) is not None
    return render_template("links/index.html", invitations=invitations, now=utcnow(),
                           can_create=can_create, url_for_link=link_url)


@bp.route("/new", methods=["GET", "POST"])
@form_refuses_nul
def new():
    """Create a link for (service, survey)."""
    services = db.session.scalars(manageable_services(current_user)).all()
    if not services:
        abort(403)
    instruments = db.session.scalars(select(Instrument).order_by(Instrument.title)).all()
    form = InvitationForm()
    form.service_id.choices = [SelectChoice(s.id, s.name) for s in services]
    form.instrument_id.choices = [SelectChoice(i.id, i.title) for i in instruments]
    if form.validate_on_submit():
        service = next(s for s in services if s.id == form.service_id.data)
        instrument = next(i for i in instruments if i.id == form.instrument_id.data)
        try:
            begin_write(db.session)
            invitation = create_invitation(
                db.session, service=service, instrument=instrument, created_by=current_user,
                label=form.label.data or "", days_valid=form.days_valid.data,
                max_uses=form.max_uses.data)
            invitation_id = invitation.id
            db.session.commit()
        except OperationalError:
            forget_session()
            flash(BUSY)
            return busy_page(render_template("links/new.html", form=form))
        flash("The link is ready. Share it, or print the poster with its QR code.")
        return redirect(url_for(".show", invitation_id=invitation_id))
    return render_template("links/new.html", form=form), 400 if form.errors else 200


@bp.route("/<int:invitation_id>")
def show(invitation_id: int):
    """Show one link with its QR code."""
    invitation = _own(invitation_id)
    url = link_url(invitation)
    return render_template("links/show.html", invitation=invitation, url=url, qr=qr_svg(url),
                           now=utcnow(), revoke_form=FlaskForm())


@bp.route("/<int:invitation_id>/poster")
def poster(invitation_id: int):
    """A printable A4 poster with the QR code."""
    invitation = _own(invitation_id)
    url = link_url(invitation)
    return render_template("links/poster.html", invitation=invitation, url=url, qr=qr_svg(url))


@bp.route("/<int:invitation_id>/qr.svg")
def qr(invitation_id: int):
    """Download the QR code as SVG."""
    invitation = _own(invitation_id)
    filename = f"uptake-link-{invitation.id}.svg"
    return attachment(qr_svg(link_url(invitation)), "image/svg+xml", filename)


@bp.route("/<int:invitation_id>/revoke", methods=["POST"])
def revoke(invitation_id: int):
    """Withdraw a link."""
    begin_write(db.session)
    invitation = _own(invitation_id)
    revoke_invitation(invitation, current_user)
    db.session.commit()
    flash("The link has been withdrawn; it accepts no more responses.")
    return redirect(url_for(".show", invitation_id=invitation.id))


def link_url(invitation: Invitation) -> str:
    """Return the public URL of a link."""
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url.rstrip("/")
    return base + url_for("collect.invited", token=invitation.token)


def _own(invitation_id: int) -> Invitation:
    """Load a link the user manages, or 404; the scope is in the query."""
    invitation = db.session.scalar(
        manageable_invitations(current_user).where(Invitation.id == invitation_id))
    if invitation is None:
        abort(404)
    return invitation
