"""Risk flags: raised on the write path, scoped to the service's clinicians, handled with audit."""

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, false, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.domain.accounts import set_designation
from portal.domain.audit import record
from portal.domain.risk import assess
from portal.models import RiskFlag, Role, User

log = logging.getLogger(__name__)
INSERT_FLAGS = insert(RiskFlag)
# Statuses a clinician can move a flag to, from each status.
NEXT = {"open": ("acknowledged", "closed"), "acknowledged": ("closed",), "closed": ()}
NOTE_CHARS = 5000


class FlagRefused(ValueError):
    """A change the flag's status or the note does not allow; the message says why."""


def flag_answers(session: Session, *, response_id: int, service_id: int,
                 answers: Iterable[tuple[int, str]], now: datetime) -> list[int]:
    """Flag every answer the detector matches; return their ids. Runs inside submit_response.

    Logs the service and category only: patient text must never reach a log line, and a
    response id beside the log's timestamp would undo the day-precision promise.
    """
    rows = []
    for answer_id, text in answers:
        match = assess(text)
        if match is not None:
            rows.append({"response_id": response_id, "answer_id": answer_id,
                         "service_id": service_id, "category": match.category,
                         "rules": ",".join(match.rules)[:200], "status": "open",
                         "created_at": now, "note": ""})
    if rows:
        session.execute(INSERT_FLAGS, rows)
        for row in rows:
            log.warning("risk flag raised: service=%s category=%s", service_id,
                        row["category"])
    return [row["answer_id"] for row in rows]


def flagged_answer_ids(response_id: int) -> Select:
    """A subquery of the response's flagged answers, for queries that must leave them out."""
    return select(RiskFlag.answer_id).where(RiskFlag.response_id == response_id)


def review_condition(user: User, service_id_column=RiskFlag.service_id) -> ColumnElement[bool]:
    """A SQL condition admitting the services whose flags the user reviews (see can_review_risk)."""
    if not user.reviews_risk:
        return false()
    return service_id_column == user.service_id


def reviewable_flags(user: User, *, statuses: Iterable[str] = ("open", "acknowledged")) \
        -> Select[tuple[RiskFlag]]:
    """The user's services' flags in these statuses, oldest first (first raised, first read)."""
    return (select(RiskFlag).where(review_condition(user), RiskFlag.status.in_(list(statuses)))
            .order_by(RiskFlag.created_at, RiskFlag.id))


def open_count(session: Session, user: User) -> int:
    """How many flags nobody has acknowledged yet in the user's services."""
    if not user.reviews_risk:
        return 0
    return session.scalar(select(func.count()).select_from(RiskFlag)
                          .where(review_condition(user), RiskFlag.status == "open")) or 0


def find_flag(session: Session, user: User, flag_id: int) -> RiskFlag | None:
    """One flag, only if the user reviews its service (another service's flag does not exist)."""
    return session.scalar(select(RiskFlag).where(RiskFlag.id == flag_id, review_condition(user)))


def record_text_view(session: Session, user: User, flag: RiskFlag) -> None:
    """Audit that a clinician was shown the flagged answer as written."""
    record(session, user, "risk.view_text", "risk_flag", flag.id,
           after={"answer_id": flag.answer_id, "service_id": flag.service_id})


def change_flag(session: Session, flag: RiskFlag, user: User, status: str, note: str,
                now: datetime) -> None:
    """Acknowledge or close a flag with an optional note (required to close), and audit it."""
    if status not in NEXT.get(flag.status, ()):
        raise FlagRefused(f"A flag that is {flag.status} cannot become {status}.")
    note = (note or "").strip()
    if len(note) > NOTE_CHARS:
        raise FlagRefused(f"Keep the note under {NOTE_CHARS} characters.")
    if status == "closed" and not note and not flag.note:
        raise FlagRefused("Say in a note what was done before closing the flag.")
    before = {"status": flag.status}
    if status == "acknowledged" or flag.acknowledged_by_id is None:
        flag.acknowledged_by_id, flag.acknowledged_at = user.id, now
    if status == "closed":
        flag.closed_by_id, flag.closed_at = user.id, now
    if note:
        stamp = f"[{now:%Y-%m-%d %H:%M} {user.name}] {note}"
        flag.note = f"{flag.note}\n{stamp}" if flag.note else stamp
    flag.status = status
    # The note may quote the patient; the audit row keeps the fact of a note, not its words.
    record(session, user, f"risk.{status}", "risk_flag", flag.id, before=before,
           after={"status": status, "note_added": bool(note)})


def designable_clinicians(manager: User) -> Select[tuple[User]]:
    """Therapists of the manager's own service, who the manager may designate as clinicians."""
    if manager.role is not Role.MANAGER or manager.service_id is None:
        return select(User).where(false())
    return (select(User).where(User.role == Role.THERAPIST,
                               User.service_id == manager.service_id)
            .order_by(User.name, User.id))


def set_clinician(session: Session, manager: User, person: User, designate: bool) -> bool:
    """Designate or undesignate a therapist of the manager's service; audit a change."""
    if person.role is not Role.THERAPIST or manager.role is not Role.MANAGER or \
            person.service_id != manager.service_id:
        raise PermissionError("Managers designate clinicians of their own service only.")
    return set_designation(session, manager, person, "is_clinician", designate)
