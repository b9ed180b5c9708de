"""Write to the audit trail (the one place that adds AuditEvent rows) and read it back.

Nothing here updates or deletes an event; the database refuses both with a trigger.
"""

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from portal.models import AuditEvent, User


def record(session: Session, actor: User | None, action: str, subject_type: str,
           subject_id: int | None, *, before: dict | None = None,
           after: dict | None = None) -> AuditEvent:
    """Add one event; the caller commits with the change it describes, so both land or neither."""
    event = AuditEvent(actor_id=actor.id if actor else None, action=action,
                       subject_type=subject_type, subject_id=subject_id, before=before,
                       after=after)
    session.add(event)
    return event


def events(*, actor_id: int | None = None, no_actor: bool = False, action: str | None = None,
           since: datetime | None = None, until: datetime | None = None) -> Select:
    """Select events newest first, narrowed by actor (or none), action and a time range [)."""
    query = select(AuditEvent).options(joinedload(AuditEvent.actor)) \
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    elif no_actor:
        query = query.where(AuditEvent.actor_id.is_(None))
    if action:
        query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return query


def actions(session: Session) -> list[str]:
    """Every action recorded so far, sorted, for a filter's choices."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
