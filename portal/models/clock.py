"""One clock for stored times: naive UTC, identical on SQLite and PostgreSQL."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current time as naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)
