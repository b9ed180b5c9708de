"""Create invitation links, check them, and draw them as QR codes."""

import io
import re
import secrets
from datetime import datetime, timedelta

import segno
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from portal.models import Instrument, Invitation, Service, User, utcnow

MAX_USES_LIMIT = 100_000
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_DAYS = 730


class InvitationUnavailable(LookupError):
    """A token that cannot be used now; reason is missing, expired, used_up or revoked."""

    MESSAGES = {
        "missing": "This invitation link is not valid. Please check that you copied all of it.",
        "expired": "This invitation link has expired. Please ask the service for a new one.",
        "used_up": "This invitation link has been used as many times as it allows. "
                   "Please ask the service for a new one.",
        "revoked": "This invitation link has been withdrawn by the service.",
    }

    def __init__(self, reason: str):
        super().__init__(self.MESSAGES[reason])
        self.reason = reason


def create_invitation(session: Session, *, service: Service, instrument: Instrument,
                      created_by: User, label: str, days_valid: int, max_uses: int,
                      now: datetime | None = None) -> Invitation:
    """Add a new invitation link; caller commits."""
    if not created_by.can_manage_invitations(service):
        raise PermissionError("You cannot create invitation links for this service.")
    if not 1 <= days_valid <= MAX_DAYS:
        raise ValueError(f"A link can be valid for 1 to {MAX_DAYS} days.")
    if not 1 <= max_uses <= MAX_USES_LIMIT:
        raise ValueError(f"A link can allow 1 to {MAX_USES_LIMIT:,} responses.")
    now = now or utcnow()
    invitation = Invitation(
        token=secrets.token_urlsafe(24), label=label.strip()[:120] or instrument.title,
        service=service, instrument=instrument, created_by=created_by,
        expires_at=now + timedelta(days=days_valid), max_uses=max_uses, uses=0, created_at=now,
    )
    session.add(invitation)
    session.flush()
    return invitation


def find_invitation(session: Session, token: str, now: datetime | None = None) -> Invitation:
    """Return the open invitation for a token, or raise InvitationUnavailable."""
    if not TOKEN.match(token or ""):
        raise InvitationUnavailable("missing")  # not a token's shape: no need to ask the database
    query = (select(Invitation).where(Invitation.token == token)
             .options(joinedload(Invitation.instrument), joinedload(Invitation.service)))
    invitation = session.scalar(query)
    if invitation is None:
        raise InvitationUnavailable("missing")
    state = invitation.state(now or utcnow())
    if state != "open":
        raise InvitationUnavailable(state)
    return invitation


# The condition sits in the UPDATE so two concurrent last uses cannot both pass. Built once.
COUNT_USE = (
    update(Invitation)
    .where(Invitation.id == bindparam("invitation_id"), Invitation.uses < Invitation.max_uses,
           Invitation.expires_at > bindparam("now"), Invitation.revoked_at.is_(None))
    .values(uses=Invitation.uses + 1)
    .execution_options(synchronize_session=False)
)


def consume_invitation(session: Session, invitation: Invitation, now: datetime) -> None:
    """Count one use in the database, refusing atomically if the link is no longer open."""
    result = session.execute(COUNT_USE, {"invitation_id": invitation.id, "now": now})
    if result.rowcount != 1:
        session.refresh(invitation)
        raise InvitationUnavailable(invitation.state(now) if invitation.state(now) != "open"
                                    else "used_up")
    session.expire(invitation, ["uses"])  # read again only if someone asks


def revoke_invitation(invitation: Invitation, by: User, now: datetime | None = None) -> None:
    """Withdraw a link so it accepts no more responses; caller commits."""
    if not by.can_manage_invitations(invitation.service):
        raise PermissionError("You cannot withdraw this link.")
    invitation.revoked_at = invitation.revoked_at or now or utcnow()


def qr_svg(url: str) -> str:
    """Return an SVG QR code for a link, sized for a printed poster."""
    buffer = io.BytesIO()
    # omitsize: a viewBox instead of a fixed size, so the page can scale it without cropping.
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, xmldecl=False,
                                    svgns=True, omitsize=True,
                                    title="QR code for the survey link")
    return buffer.getvalue().decode("utf-8")
