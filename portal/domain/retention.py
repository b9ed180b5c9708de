"""Retention: how long each kind of data is kept, and the purge that removes what is older.

Periods come from the config (RETENTION_DAYS_<KIND>, see portal.config); None keeps forever.
`purge` is idempotent: a second run at the same time finds nothing. Responses leave through
portal.domain.erasure, so the rollups and requests stay right; audit events leave only when
older than their own period. The caller commits.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from portal.config import RETENTION_DEFAULTS
from portal.domain import audit
from portal.domain.erasure import PURGED_ACTION, erase_responses
from portal.domain.request_status import FINISHED
from portal.models import Job, OutboxMessage, Response, SupplierRequest

# kind → (config key, what it covers); the order is the purge's order.
KINDS: dict[str, tuple[str, str]] = {
    "patient_responses": ("RETENTION_DAYS_PATIENT_RESPONSES",
                          "patients' responses with their answers, codings and tags"),
    "staff_responses": ("RETENTION_DAYS_STAFF_RESPONSES",
                        "staff and vendor responses with their answers, codings and tags"),
    "closed_requests": ("RETENTION_DAYS_CLOSED_REQUESTS",
                        "finished or dismissed supplier requests, from their last change"),
    "outbox_messages": ("RETENTION_DAYS_OUTBOX_MESSAGES", "notification e-mails"),
    "finished_jobs": ("RETENTION_DAYS_FINISHED_JOBS", "finished background job records"),
}
# A request in one of these waits for nobody; dismissed proposals were never filed.
CLOSED_STATUSES = tuple(sorted(FINISHED | {"dismissed"}))
BATCH = 500
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Period:
    """One kind's retention: its days (None = keep) and the cutoff they give at a moment."""

    kind: str
    days: int | None

    def cutoff(self, now: datetime) -> datetime | None:
        """Rows dated before this go; None when the kind is kept forever."""
        return None if self.days is None else now - timedelta(days=self.days)


def parse_days(value: object) -> int | None:
    """A period from the config or the environment: 0, empty or None mean keep forever."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    days = int(value)
    if days < 0:
        raise ValueError("A retention period cannot be negative; write 0 to keep forever.")
    return days or None


def periods(config: Mapping) -> dict[str, Period]:
    """Every kind's period as configured."""
    return {kind: Period(kind, parse_days(config.get(key, RETENTION_DEFAULTS[key])))
            for kind, (key, _) in KINDS.items()}


def purge(session: Session, now: datetime, config: Mapping, *, dry_run: bool = False,
          progress: Progress | None = None,
          checkpoint: Callable[[], None] | None = None) -> dict[str, int]:
    """Remove (or, dry, count) everything past its period; counts by kind. The caller commits.

    progress(done, total) follows the responses, the one kind that can take a while;
    checkpoint() runs after each batch of them, where the command line commits so that a
    first purge of years of data never holds SQLite's write lock for long.
    """
    found = periods(config)
    counts = {kind: 0 for kind in KINDS}
    doomed_responses = {kind: _old_responses(session, found[kind].cutoff(now), patient)
                        for kind, patient in (("patient_responses", True),
                                              ("staff_responses", False))}
    total = sum(len(ids) for ids in doomed_responses.values())
    done = 0
    for kind, ids in doomed_responses.items():
        if dry_run:
            counts[kind] = len(ids)
            continue
        for start in range(0, len(ids), BATCH):
            batch = ids[start:start + BATCH]
            # Counted as removed, not as found: a concurrent erasure may have taken one.
            counts[kind] += erase_responses(session, batch).get("responses", 0)
            done += len(batch)
            if progress:
                progress(done, total)
            if checkpoint:
                checkpoint()
    counts["closed_requests"] = _purge_requests(session, found["closed_requests"].cutoff(now),
                                                dry_run)
    counts["outbox_messages"] = _purge_rows(session, OutboxMessage,
                                            OutboxMessage.created_at,
                                            found["outbox_messages"].cutoff(now), dry_run)
    counts["finished_jobs"] = _purge_rows(session, Job, Job.finished_at,
                                          found["finished_jobs"].cutoff(now), dry_run,
                                          Job.state.in_(("done", "failed")))
    # The audit trail is append-only (triggers refuse UPDATE and DELETE) and holds no
    # content, so it is kept; archiving it is the operator's business.
    if not dry_run and any(counts.values()):
        # Its id also moves the dashboards' cache key.
        audit.record(session, None, PURGED_ACTION, "retention", None,
                     after={"removed": counts, "at": now.isoformat(timespec="seconds")})
    if not dry_run:
        session.expire_all()
    return counts


def _old_responses(session: Session, cutoff: datetime | None, patient: bool) -> list[int]:
    """Ids of patients' (or everyone else's) responses submitted before the cutoff."""
    if cutoff is None:
        return []
    group = Response.stakeholder_group == "patient" if patient \
        else Response.stakeholder_group != "patient"
    return list(session.scalars(select(Response.id).where(group, Response.submitted_at < cutoff)
                                .order_by(Response.id)))


def _purge_rows(session: Session, model, column, cutoff: datetime | None, dry_run: bool,
                *where) -> int:
    """Delete (or count) a model's rows whose date column is before the cutoff."""
    if cutoff is None:
        return 0
    conditions = (column.is_not(None), column < cutoff, *where)
    if dry_run:
        return session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    return session.execute(delete(model).where(*conditions),
                           execution_options={"synchronize_session": False}).rowcount


def _purge_requests(session: Session, cutoff: datetime | None, dry_run: bool) -> int:
    """Delete (or count) closed requests untouched since the cutoff, with their sources,
    reporters and comments; one that a kept request duplicates stays, as its original."""
    if cutoff is None:
        return 0
    doomed = set(session.scalars(select(SupplierRequest.id).where(
        SupplierRequest.status.in_(CLOSED_STATUSES), SupplierRequest.updated_at < cutoff)))
    pointers = session.execute(select(SupplierRequest.id, SupplierRequest.duplicate_of_id)
                               .where(SupplierRequest.duplicate_of_id.is_not(None))).all()
    while True:
        kept_originals = {original for copy, original in pointers if copy not in doomed}
        if not kept_originals & doomed:
            break
        doomed -= kept_originals
    if dry_run or not doomed:
        return len(doomed)
    ids = sorted(doomed)
    # Duplicates among the doomed point at each other; unlink first so the order is free.
    session.execute(update(SupplierRequest).where(SupplierRequest.id.in_(ids))
                    .values(duplicate_of_id=None),
                    execution_options={"synchronize_session": False})
    # Sources, reporters and comments go by ON DELETE CASCADE; e-mails keep no request id.
    return session.execute(delete(SupplierRequest).where(SupplierRequest.id.in_(ids)),
                           execution_options={"synchronize_session": False}).rowcount
