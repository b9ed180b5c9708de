"""Supplier requests: who sees which, filing, editing with conflict detection, status changes,
comments, duplicates and history. Every change adds an audit event; the caller commits."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, false, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.domain import audit
from portal.domain.deidentify import deidentify
from portal.domain.notifications import notify
from portal.domain.request_status import (
    FINISHED,
    KINDS,
    PRIORITIES,
    UNFILED,
    VENDOR,
    TransitionRefused,
    check_transition,
    sides_of,
)
from portal.models import (
    AuditEvent,
    Product,
    RequestComment,
    RequestReporter,
    RequestSource,
    Role,
    Service,
    SupplierRequest,
    User,
)

SUBJECT = "request"
EDITABLE = ("kind", "title", "description", "priority", "product_id", "assignee_id")


class RequestInvalid(ValueError):
    """A request change the rules refuse; the message is for the person who tried."""


@dataclass
class EditConflict(Exception):
    """Someone saved the request after this form was loaded."""

    current_version: int
    changes: list[AuditEvent] = field(default_factory=list)


def request_condition(user: User) -> ColumnElement[bool]:
    """A SQL condition admitting the requests the user may see."""
    if user.sees_every_service:
        return true()
    if user.role in (Role.MANAGER, Role.THERAPIST) and user.service_id is not None:
        return SupplierRequest.service_id == user.service_id
    if user.role is Role.VENDOR and user.vendor_id is not None:
        # A vendor sees filed requests about its own products, never the service's proposals.
        return and_(SupplierRequest.vendor_id == user.vendor_id,
                    SupplierRequest.status.not_in(UNFILED))
    return false()


def visible_requests(user: User) -> Select[tuple[SupplierRequest]]:
    """The requests the user may see, newest first."""
    return (select(SupplierRequest).where(request_condition(user))
            .order_by(SupplierRequest.created_at.desc(), SupplierRequest.id.desc()))


def find_request(session: Session, user: User, request_id: int) -> SupplierRequest | None:
    """One request by id, or None when it does not exist or the user may not see it."""
    return session.scalar(select(SupplierRequest).where(SupplierRequest.id == request_id,
                                                        request_condition(user)))


def shown(text: str | None, user: User) -> str:
    """Text as this user may read it: de-identified for anyone outside the services."""
    return deidentify(text or "") if user.role is Role.VENDOR else (text or "")


def can_file(user: User, service: Service) -> bool:
    """May the user file a request for the service? Its staff, and leads."""
    if user.sees_every_service:
        return True
    return user.role in (Role.MANAGER, Role.THERAPIST) and user.service_id == service.id


def file_request(session: Session, *, user: User | None, service: Service, product: Product,
                 kind: str, title: str, description: str, priority: str, now: datetime,
                 base_url: str, status: str = "new", origin: str = "direct",
                 sources: Iterable[tuple[int, int, str]] = ()) -> SupplierRequest:
    """Create a request (filed, or a proposal) with its sources (response, answer, theme)."""
    _check_fields(kind, priority, title)
    if product not in service.products:
        raise RequestInvalid("Choose one of the products this service uses.")
    request = SupplierRequest(kind=kind, title=title.strip()[:200], description=description,
                              service=service, product=product, vendor_id=product.vendor_id,
                              priority=priority, status=status, origin=origin,
                              created_by_id=user.id if user else None, created_at=now,
                              updated_at=now, filed_at=None if status in UNFILED else now)
    request.sources = [RequestSource(response_id=r, answer_id=a, theme=t)
                       for r, a, t in sources]
    if user is not None:
        request.reporters = [RequestReporter(user_id=user.id)]
    session.add(request)
    session.flush()
    audit.record(session, user, "request.proposed" if status in UNFILED else "request.filed",
                 SUBJECT, request.id, after=_state(request))
    notify(session, request, "filed", user, base_url)
    return request


def edit_request(session: Session, request: SupplierRequest, user: User, *,
                 expected_version: int, changes: dict, now: datetime) -> bool:
    """Apply field changes made on a form loaded at expected_version; True if any changed.

    Raises EditConflict when the request was saved since, RequestInvalid for bad values.
    """
    changes = {k: v for k, v in changes.items() if k in EDITABLE and getattr(request, k) != v}
    if not changes:
        return False
    # Checked only when something would change: a comment on a stale page overwrites nothing.
    if expected_version != request.version:
        raise EditConflict(request.version, changes_since(session, request, expected_version))
    _check_edit(session, request, user, changes)
    before = _state(request)
    for name, value in changes.items():
        setattr(request, name, value)
    if "product_id" in changes:
        request.product = session.get_one(Product, changes["product_id"])
        request.vendor_id = request.product.vendor_id
    if "assignee_id" in changes and VENDOR in sides_of(user):
        _responded(request, now)
    request.updated_at = now
    session.flush()
    audit.record(session, user, "request.edited", SUBJECT, request.id, before=before,
                 after=_state(request))
    return True


def change_status(session: Session, request: SupplierRequest, user: User, to: str,
                  now: datetime, base_url: str,
                  duplicate_of: SupplierRequest | None = None) -> None:
    """Move the request to a new status if the rules allow it; notify those involved."""
    check_transition(request.status, to, sides_of(user))
    if to == "duplicate":
        if duplicate_of is None:
            raise TransitionRefused("Choose the request this one duplicates.")
        _merge_into(request, duplicate_of)
    before, was = _state(request), request.status
    request.status = to
    if was == "proposed" and to == "new":
        request.filed_at = now
        if user.id not in {r.user_id for r in request.reporters}:
            request.reporters.append(RequestReporter(user_id=user.id))
    elif was not in UNFILED and not (was == "new" and to == "closed"):
        _responded(request, now)
    if to in FINISHED and request.resolved_at is None and was not in UNFILED:
        request.resolved_at = now
    elif to not in FINISHED and was in FINISHED:
        request.resolved_at = None  # reopened: the resolution clock runs again
    request.updated_at = now
    session.flush()
    audit.record(session, user, "request.status", SUBJECT, request.id, before=before,
                 after=_state(request))
    notify(session, request, "filed" if was == "proposed" and to == "new" else "status", user,
           base_url)


def add_comment(session: Session, request: SupplierRequest, user: User, body: str,
                shared: bool, now: datetime, base_url: str) -> RequestComment:
    """Add a comment; only vendor staff write internal ones, and only they read them."""
    body = (body or "").strip()
    if not body:
        raise RequestInvalid("Write a comment before sending it.")
    if len(body) > 5000:
        raise RequestInvalid("A comment can be at most 5,000 characters.")
    if not shared and user.role is not Role.VENDOR:
        raise RequestInvalid("Only the vendor's staff write internal notes.")
    comment = RequestComment(request=request, author_id=user.id, body=body, shared=shared,
                             created_at=now)
    session.add(comment)
    if shared and user.role is Role.VENDOR:
        _responded(request, now)
    request.updated_at = now
    session.flush()
    audit.record(session, user, "request.comment", SUBJECT, request.id,
                 after={"comment_id": comment.id, "shared": shared, "version": request.version})
    if shared:
        notify(session, request, "comment", user, base_url)
    return comment


def visible_comments(request: SupplierRequest, user: User) -> list[RequestComment]:
    """The comments the user may read: internal notes only for the request's vendor."""
    vendor_reader = user.role is Role.VENDOR and user.vendor_id == request.vendor_id
    return [c for c in request.comments if c.shared or vendor_reader]


def history(session: Session, request: SupplierRequest) -> list[AuditEvent]:
    """Every recorded change of the request, oldest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.subject_type == SUBJECT,
                                                         AuditEvent.subject_id == request.id)
                                .order_by(AuditEvent.at, AuditEvent.id)))


def changes_since(session: Session, request: SupplierRequest, version: int) -> list[AuditEvent]:
    """The recorded changes made after the request was at this version."""
    return [e for e in history(session, request)
            if (e.after or {}).get("version", 0) > version]


def assignable_users(session: Session, request: SupplierRequest) -> list[User]:
    """The vendor's active staff, who may be assigned a request."""
    return list(session.scalars(select(User).where(User.vendor_id == request.vendor_id,
                                                   User.role == Role.VENDOR,
                                                   User.active.is_(True)).order_by(User.name)))


def _responded(request: SupplierRequest, now: datetime) -> None:
    """Stop the first-response clock at the vendor's first action on a filed request."""
    if request.first_response_at is None and request.filed_at is not None:
        request.first_response_at = now


def _merge_into(request: SupplierRequest, original: SupplierRequest) -> None:
    """Mark request a duplicate of original, carrying its reporters and sources over."""
    while original.duplicate_of is not None:
        original = original.duplicate_of
    if original.id == request.id:
        raise TransitionRefused("A request cannot duplicate itself.")
    if original.vendor_id != request.vendor_id:
        raise TransitionRefused("A request can only duplicate one for the same vendor.")
    if request.status == "proposed" and original.service_id != request.service_id:
        raise TransitionRefused("Merge a proposal into a request of the same service.")
    have = {(s.answer_id, s.theme) for s in original.sources}
    original.sources.extend(RequestSource(response_id=s.response_id, answer_id=s.answer_id,
                                          theme=s.theme)
                            for s in request.sources if (s.answer_id, s.theme) not in have)
    people = {r.user_id for r in original.reporters}
    original.reporters.extend(RequestReporter(user_id=r.user_id) for r in request.reporters
                              if r.user_id not in people)
    request.duplicate_of = original


def _check_fields(kind: str, priority: str, title: str) -> None:
    """Refuse an unknown kind or priority, or an empty title."""
    if kind not in KINDS:
        raise RequestInvalid("Choose the type of request.")
    if priority not in PRIORITIES:
        raise RequestInvalid("Choose a priority.")
    if not (title or "").strip():
        raise RequestInvalid("Give the request a title.")


def _check_edit(session: Session, request: SupplierRequest, user: User, changes: dict) -> None:
    """Refuse field changes the user's side may not make."""
    sides = sides_of(user)
    _check_fields(changes.get("kind", request.kind), changes.get("priority", request.priority),
                  changes.get("title", request.title))
    text_fields = {"kind", "title", "description", "product_id"} & set(changes)
    if text_fields and (VENDOR in sides and not user.sees_every_service):
        raise RequestInvalid("The service words its requests; add a comment instead.")
    if "product_id" in changes:
        if request.status not in UNFILED:
            raise RequestInvalid("The product can be changed only before the request is filed.")
        if changes["product_id"] not in {p.id for p in request.service.products}:
            raise RequestInvalid("Choose one of the products this service uses.")
    if "assignee_id" in changes:
        if VENDOR not in sides:
            raise RequestInvalid("The vendor assigns its requests.")
        allowed = {u.id for u in assignable_users(session, request)}
        if changes["assignee_id"] is not None and changes["assignee_id"] not in allowed:
            raise RequestInvalid("Assign the request to one of the vendor's staff.")


def _state(request: SupplierRequest) -> dict:
    """What the audit trail keeps of a request: ids and labels, never its text."""
    return {"status": request.status, "priority": request.priority, "kind": request.kind,
            "assignee_id": request.assignee_id, "product_id": request.product_id,
            "duplicate_of": request.duplicate_of_id if request.duplicate_of is None
            else request.duplicate_of.id, "version": request.version}
