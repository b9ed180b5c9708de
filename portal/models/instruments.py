"""Instruments and their immutable versions."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow

STAKEHOLDER_GROUPS = ("therapist", "service_manager", "vendor", "patient")
GROUP_LABELS = {
    "therapist": "Therapists",
    "service_manager": "Service managers",
    "vendor": "Vendor representatives",
    "patient": "Patients",
}


class Instrument(db.Model):
    """A questionnaire for one stakeholder group, identified by its stable key."""

    __tablename__ = "instruments"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    stakeholder_group: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    versions: Mapped[list["InstrumentVersion"]] = relationship(
        back_populates="instrument", order_by="InstrumentVersion.number"
    )

    @property
    def current(self) -> "InstrumentVersion":
        """Return the newest version, the one new forms are rendered from."""
        return self.versions[-1]

    @property
    def is_anonymous(self) -> bool:
        """Patients answer without an account and without anything that identifies them."""
        return self.stakeholder_group == "patient"


class InstrumentVersion(db.Model):
    """One frozen definition of an instrument; responses point at the version they answered."""

    __tablename__ = "instrument_versions"
    __table_args__ = (UniqueConstraint("instrument_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"), index=True)
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    instrument: Mapped[Instrument] = relationship(back_populates="versions")
