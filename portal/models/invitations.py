"""Invitation links to answer an instrument for a service."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow
from portal.models.instruments import Instrument
from portal.models.organisations import Service
from portal.models.users import User


class Invitation(db.Model):
    """A link (service, instrument) with an expiry and a use limit."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept so a lead can print the poster again; it only lets someone answer a survey.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    expires_at: Mapped[datetime]
    max_uses: Mapped[int]
    uses: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    service: Mapped[Service] = relationship()
    instrument: Mapped[Instrument] = relationship()
    created_by: Mapped[User] = relationship()

    def state(self, now: datetime) -> str:
        """Return open, expired, used_up or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        if self.uses >= self.max_uses:
            return "used_up"
        return "open"
