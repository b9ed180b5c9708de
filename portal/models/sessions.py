"""Server-side records of signed-in sessions, and failed sign-ins for the database throttle."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.clock import utcnow
from portal.models.users import User


class UserSession(db.Model):
    """One sign-in: the cookie carries a random token, the table only its SHA-256.

    A session is valid while it has not ended, was used within the idle timeout and began
    within the absolute timeout; ending it here refuses the cookie even if it was copied.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    # logout, password, timeout: why it ended, for the person reading the table.
    ended_why: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed sign-in under a throttle key (an HMAC of the email or the client address).

    Used only when no Redis is configured; rows older than the throttle window are pruned.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
