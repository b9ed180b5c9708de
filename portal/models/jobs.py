"""Background jobs (re-tagging, retraining) and the progress people watch."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow
from portal.models.users import User

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """A long piece of work run outside the request, with its progress."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by: Mapped[User | None] = relationship()

    @property
    def percent(self) -> int:
        """Progress as a whole percentage (0 until the total is known)."""
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        """True once it has succeeded or failed."""
        return self.state in ("done", "failed")
