"""Submitted responses and their answers."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.instruments import InstrumentVersion
from portal.models.invitations import Invitation
from portal.models.organisations import Service
from portal.models.users import User


class Response(db.Model):
    """One submission of an instrument; anonymous when user_id is empty."""

    __tablename__ = "responses"
    __table_args__ = (Index("ix_responses_service_submitted", "service_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # Sent with the form; a retried or doubled submission finds the response it already made.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_versions.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    stakeholder_group: Mapped[str] = mapped_column(String(32))
    programme: Mapped[str | None] = mapped_column(String(40))
    # Patients' responses are stored at day precision only.
    submitted_at: Mapped[datetime]

    service: Mapped[Service] = relationship()
    instrument_version: Mapped[InstrumentVersion] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    user: Mapped[User | None] = relationship()
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )

    def answer_map(self) -> dict[str, str | int]:
        """Return the answers keyed by item id."""
        return {a.item_id: a.value for a in self.answers}


class Answer(db.Model):
    """The answer to one item; text in value_text, points and numbers in value_int."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("response_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    value_text: Mapped[str | None] = mapped_column(Text)
    value_int: Mapped[int | None]
    response: Mapped[Response] = relationship(back_populates="answers")

    @property
    def value(self) -> str | int:
        """Return whichever value column is set."""
        return self.value_int if self.value_int is not None else self.value_text
