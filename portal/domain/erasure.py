"""Erasing responses: on a respondent's request (by reference code) or when retention ends.

A response goes with its answers, codings and tags, its counts in the dashboard rollups and
its links from supplier requests; text that requests, comments and notification e-mails
copied from its answers is replaced by ERASED. The audit trail keeps who erased which
response, when and why, never what it said. The caller commits.
"""

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from portal.domain import audit
from portal.domain.dashboard_filters import REMOVAL_ACTIONS
from portal.domain.deidentify import deidentify
from portal.domain.instruments import text_item_ids
from portal.domain.request_status import KINDS
from portal.domain.rollups import remove_responses
from portal.models import (
    Answer,
    AuditEvent,
    Coding,
    CodingSample,
    InstrumentVersion,
    OutboxMessage,
    RequestComment,
    RequestSource,
    Response,
    RiskFlag,
    Role,
    SupplierRequest,
    Tag,
    User,
)

ERASED = "[erased on request]"
ERASED_ACTION, PURGED_ACTION = REMOVAL_ACTIONS  # the dashboards' cache key watches both
# Shorter fragments than this are not searched for outside the linked requests: "ok" or
# "no" would match everywhere.
MIN_COPY_CHARS = 12
ERASERS = frozenset({Role.ADMIN, Role.LEAD})
REFERENCE_CHARS = re.compile(r"[^A-Z0-9]")


class ErasureRefused(PermissionError):
    """The actor may not erase responses, or gave no reason."""


class ResponseNotFound(LookupError):
    """No response has this reference or id (it may already be erased)."""


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed, by kind of row."""

    response_id: int
    reference: str
    removed: dict[str, int]


def can_erase(user: User | None) -> bool:
    """Admins and implementation leads erase; they see every service, so no scope to check."""
    return user is not None and user.is_active and user.role in ERASERS


def normalise_reference(text: str) -> str:
    """A reference as typed (lower case, spaces, no dashes) in its stored form K7QM-4XZP-R2AB."""
    chars = REFERENCE_CHARS.sub("", (text or "").upper())
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def find_response(session: Session, reference_or_id: str | int) -> Response | None:
    """The response with this reference code, or with this id when given a number."""
    if isinstance(reference_or_id, int) or str(reference_or_id).strip().lstrip("#").isdigit():
        return session.get(Response, int(str(reference_or_id).strip().lstrip("#")))
    return session.scalar(select(Response).where(
        Response.reference == normalise_reference(str(reference_or_id))))


def erase_response(session: Session, actor: User | None, reference_or_id: str | int,
                   reason: str) -> Erasure:
    """Erase one response on request and record it; the caller commits.

    actor None is the command line run by the operator (who answers for it); a signed-in
    person must be allowed by can_erase.
    """
    if actor is not None and not can_erase(actor):
        raise ErasureRefused("Only administrators and implementation leads erase responses.")
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ErasureRefused("Give the reason for the erasure (for example, who asked).")
    response = find_response(session, reference_or_id)
    if response is None:
        raise ResponseNotFound("No response has this reference; it may already be erased.")
    response_id, reference = response.id, response.reference
    facts = {"reference": reference, "service_id": response.service_id,
             "stakeholder_group": response.stakeholder_group,
             "month": response.submitted_at.strftime("%Y-%m")}
    removed = erase_responses(session, [response_id], search_copies=True)
    audit.record(session, actor, ERASED_ACTION, "response", response_id,
                 before=facts, after={"reason": reason, "removed": removed})
    return Erasure(response_id, reference, removed)


def erase_responses(session: Session, response_ids: Collection[int], *,
                    search_copies: bool = False) -> dict[str, int]:
    """Delete responses and everything derived from them; counts of rows by kind.

    Copies of their text are replaced in the requests that link to them; with search_copies
    also in any other request or comment that holds a long enough passage (one scan per
    answer, so kept for erasure on request rather than the nightly purge).
    """
    ids = sorted(set(response_ids))
    counts: Counter[str] = Counter()
    if not ids:
        return dict(counts)
    session.flush()
    texts = _texts(session, ids)
    answer_ids = list(session.scalars(select(Answer.id).where(Answer.response_id.in_(ids))))
    counts["requests_scrubbed"] = _scrub_requests(session, ids, texts, search_copies)
    counts["samples_updated"] = _drop_from_samples(session, set(answer_ids))
    # Counted out of the rollups while the tags and answers still say what they added.
    remove_responses(session, ids)
    codings = select(Coding.id).where(Coding.response_id.in_(ids)).scalar_subquery()
    counts["tags"] = _delete(session, delete(Tag).where(Tag.coding_id.in_(codings)))
    counts["codings"] = _delete(session, delete(Coding).where(Coding.response_id.in_(ids)))
    counts["request_sources"] = _delete(session, delete(RequestSource)
                                        .where(RequestSource.response_id.in_(ids)))
    # Risk flags go with the text they point at; the audit event keeps that one was there.
    counts["risk_flags"] = _delete(session, delete(RiskFlag).where(RiskFlag.response_id.in_(ids)))
    counts["answers"] = _delete(session, delete(Answer).where(Answer.response_id.in_(ids)))
    counts["responses"] = _delete(session, delete(Response).where(Response.id.in_(ids)))
    # Core deletes bypass the identity map; objects loaded before must not be flushed back.
    session.expire_all()
    return dict(counts)


def _delete(session: Session, statement) -> int:
    """Run a DELETE and return how many rows it removed."""
    return session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def _texts(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Answer id → the passages of an open-text answer to look for: the text, its
    de-identified form, and the first sentence a proposal's title was made from. Choices
    ("depression", "therapist") are not words of the respondent's and are left alone."""
    found: dict[int, list[str]] = {}
    rows = session.execute(select(Answer.id, Answer.item_id, Answer.value_text,
                                  Response.instrument_version_id)
                           .join(Response, Response.id == Answer.response_id)
                           .where(Answer.response_id.in_(ids), Answer.value_text.is_not(None)))
    for answer_id, item_id, text, version_id in rows:
        text = text.strip()
        if not text or item_id not in text_item_ids(session.get_one(InstrumentVersion,
                                                                    version_id)):
            continue
        variants = {text, deidentify(text).strip()}
        sentence = re.split(r"(?<=[.!?])\s", deidentify(text).strip(), maxsplit=1)[0]
        variants.add(" ".join(sentence.split()))
        found[answer_id] = sorted((v for v in variants if v), key=len, reverse=True)
    return found


def _scrub_requests(session: Session, ids: list[int], texts: dict[int, list[str]],
                    search_copies: bool) -> int:
    """Replace copied answer text in requests, their comments and their e-mails; how many
    requests changed."""
    linked = set(session.scalars(select(RequestSource.request_id)
                                 .where(RequestSource.response_id.in_(ids))))
    passages = sorted({p for variants in texts.values() for p in variants}, key=len,
                      reverse=True)
    if search_copies:
        long_enough = [p for p in passages if len(p) >= MIN_COPY_CHARS]
        for passage in long_enough:
            pattern = f"%{_escape_like(passage)}%"
            linked.update(session.scalars(select(SupplierRequest.id).where(or_(
                SupplierRequest.description.like(pattern, escape="\\"),
                SupplierRequest.title.like(pattern, escape="\\")))))
            linked.update(session.scalars(select(RequestComment.request_id).where(
                RequestComment.body.like(pattern, escape="\\"))))
    if not linked or not passages:
        return 0
    changed = 0
    for request in session.scalars(select(SupplierRequest)
                                   .where(SupplierRequest.id.in_(sorted(linked)))):
        old_title = request.title
        title, description = _replace(old_title, passages), _replace(request.description,
                                                                     passages)
        if request.origin == "proposal" and old_title in _proposal_titles(request.kind, texts):
            title = f"{KINDS[request.kind]}: {ERASED}"  # made from the words, however short
        touched = False
        if (title, description) != (old_title, request.description):
            # Core UPDATE: the request's version counter stays, so no open form goes stale
            # for a change nobody made on it.
            session.execute(SupplierRequest.__table__.update()
                            .where(SupplierRequest.id == request.id)
                            .values(title=title, description=description))
            touched = True
        for comment in session.scalars(select(RequestComment)
                                       .where(RequestComment.request_id == request.id)):
            body = _replace(comment.body, passages)
            if body != comment.body:
                comment.body = body
                touched = True
        if title != old_title:
            _scrub_outbox(session, request.id, [old_title, deidentify(old_title)], title)
        changed += touched
    session.flush()
    return changed


def _proposal_titles(kind: str, texts: dict[int, list[str]]) -> set[str]:
    """The titles a proposal of this kind would have been given from these answers."""
    from portal.domain.proposals import proposal_title

    return {proposal_title(kind, passage) for variants in texts.values() for passage in variants}


def _scrub_outbox(session: Session, request_id: int, old_titles: list[str], title: str) -> None:
    """Notification e-mails carry the (de-identified) title; give them the new one."""
    for message in session.scalars(select(OutboxMessage)
                                   .where(OutboxMessage.request_id == request_id)):
        for old in sorted(set(old_titles), key=len, reverse=True):
            message.subject = message.subject.replace(old, deidentify(title))[:300]
            message.body = message.body.replace(old, deidentify(title))


def _replace(text: str | None, passages: list[str]) -> str:
    """The text with every passage (longest first) replaced by ERASED; a passage too short
    to be told from ordinary words is replaced only when it is the whole text."""
    text = text or ""
    if text.strip() in passages:
        return ERASED
    for passage in passages:
        if len(passage) >= MIN_COPY_CHARS and passage in text:
            text = text.replace(passage, ERASED)
    # A title shortened to 90 characters ends in an ellipsis after a passage's prefix.
    for passage in passages:
        for cut in range(len(passage) - 1, MIN_COPY_CHARS - 1, -1):
            stub = passage[:cut] + "…"
            if stub in text:
                text = text.replace(stub, ERASED)
                break
    return text


def _escape_like(text: str) -> str:
    """Text for a LIKE pattern, its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _drop_from_samples(session: Session, answer_ids: set[int]) -> int:
    """Take erased answers out of double-coding samples; how many samples changed."""
    if not answer_ids:
        return 0
    changed = 0
    for sample in session.scalars(select(CodingSample)):
        kept = [a for a in sample.answer_ids if a not in answer_ids]
        if len(kept) != len(sample.answer_ids):
            sample.answer_ids = kept
            changed += 1
    session.flush()
    return changed


def response_summary(session: Session, response: Response) -> dict:
    """What the confirmation shows: where and when, how much, never what it says."""
    answers = session.scalar(select(func.count()).select_from(Answer)
                             .where(Answer.response_id == response.id))
    requests = session.scalar(select(func.count(func.distinct(RequestSource.request_id)))
                              .where(RequestSource.response_id == response.id))
    return {"reference": response.reference, "service": response.service.name,
            "group": response.stakeholder_group, "month": response.submitted_at.strftime("%B %Y"),
            "answers": answers or 0, "requests": requests or 0}


def recent_erasures(session: Session, limit: int = 20) -> list[AuditEvent]:
    """The latest erasures on request, newest first, as the audit trail keeps them."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == ERASED_ACTION)
                                .order_by(AuditEvent.id.desc()).limit(limit)))
