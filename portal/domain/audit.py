"""Write to the audit trail: the one place that adds AuditEvent rows."""

from sqlalchemy.orm import Session

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
