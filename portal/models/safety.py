"""Risk flags: patient answers that suggest a risk of harm, waiting for a clinician."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow
from portal.models.organisations import Service
from portal.models.responses import Answer, Response
from portal.models.users import User

FLAG_STATUSES = ("open", "acknowledged", "closed")


class RiskFlag(db.Model):
    """One flagged answer; holds the rule's category, never the text (that stays in answers)."""

    __tablename__ = "risk_flags"
    __table_args__ = (UniqueConstraint("answer_id"),
                      Index("ix_risk_flags_service_status", "service_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"),
                                             index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    category: Mapped[str] = mapped_column(String(32))
    # Rule names (comma separated), so a clinician sees why; never the matched words.
    rules: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[Response] = relationship()
    answer: Mapped[Answer] = relationship()
    service: Mapped[Service] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
