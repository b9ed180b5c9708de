"""Server-side sessions: start one at sign-in, check it on every request, end it for good."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.models import User, UserSession

# Writing last_seen_at on every request would make every page a write; a minute's slack in
# the idle timeout is the price of writing at most once a minute per session.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Timeouts:
    """How long a session lives without use, and at most."""

    idle: timedelta
    absolute: timedelta


def _digest(token: str) -> str:
    """Return the stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: User, now: datetime) -> str:
    """Record a new session for the user and return its token for the cookie; caller commits."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(token_hash=_digest(token), user_id=user.id, created_at=now,
                            last_seen_at=now))
    session.flush()
    return token


def find_session(session: Session, token: str | None) -> UserSession | None:
    """Return the session record for a token, ended or not."""
    if not token:
        return None
    return session.scalar(select(UserSession).where(UserSession.token_hash == _digest(token)))


def live_user(session: Session, user_id: int, token: str | None, now: datetime,
              timeouts: Timeouts) -> tuple[User | None, bool]:
    """Return (the active user whose live session this is, whether last_seen_at changed).

    A session past a timeout is ended here, so that it stays refused; the caller commits
    when the second value is True.
    """
    record = find_session(session, token)
    if record is None or record.user_id != user_id or record.ended_at is not None:
        return None, False
    if now - record.last_seen_at > timeouts.idle or now - record.created_at > timeouts.absolute:
        record.ended_at, record.ended_why = now, "timeout"
        return None, True
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None, False
    if now - record.last_seen_at >= TOUCH_EVERY:
        record.last_seen_at = now
        return user, True
    return user, False


def end_session(session: Session, token: str | None, now: datetime, why: str) -> None:
    """End one session (sign-out); caller commits."""
    record = find_session(session, token)
    if record is not None and record.ended_at is None:
        record.ended_at, record.ended_why = now, why


def end_all_sessions(session: Session, user: User, now: datetime, why: str) -> int:
    """End every live session of the user (password change); return how many; caller commits."""
    result = session.execute(update(UserSession)
                             .where(UserSession.user_id == user.id,
                                    UserSession.ended_at.is_(None))
                             .values(ended_at=now, ended_why=why))
    return result.rowcount
