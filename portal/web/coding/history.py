"""An answer's coding history, read from the audit trail (themes and people, never text)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Answer, AuditEvent, Codebook, CodebookVersion, Coding

DECISIONS = (("accepted", "Accepted"), ("polarity_changed", "Changed polarity"),
             ("rejected", "Rejected"), ("added", "Added"))


@dataclass(frozen=True)
class HistoryEntry:
    """One saved coding: who, when, what kind, and what they did with each theme."""

    at: datetime
    who: str
    kind: str
    blind: bool
    decisions: list[tuple[str, list[str]]]


def coding_history(session: Session, answer: Answer, codebook: Codebook,
                   names: dict[str, str]) -> list[HistoryEntry]:
    """Every coding decision on the answer under this codebook, newest first."""
    ours = set(session.scalars(
        select(Coding.id).join(CodebookVersion, CodebookVersion.id == Coding.codebook_version_id)
        .where(Coding.answer_id == answer.id, CodebookVersion.codebook_id == codebook.id)))
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.subject_type == "answer",
                                 AuditEvent.subject_id == answer.id,
                                 AuditEvent.action.startswith("coding."))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    entries = []
    for event in events:
        after = event.after or {}
        # The same answer can be coded under other codebooks; keep this codebook's events.
        if after.get("coding") not in ours:
            continue
        entries.append(HistoryEntry(
            at=event.at, who=event.actor.name if event.actor else "a former coder",
            kind=event.action.removeprefix("coding."), blind=bool(after.get("blind")),
            decisions=[(title, [names.get(t, t) for t in after[key]])
                       for key, title in DECISIONS if after.get(key)]))
    return entries
