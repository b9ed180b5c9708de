"""The training plan: training requests rolled up per service into items the vendor schedules
and delivers, and whether training-need mentions fall after delivery."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, distinct, false, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from portal.domain import audit
from portal.domain.effective_tags import effective_tags
from portal.domain.request_status import UNFILED, VENDOR, sides_of
from portal.domain.requests import RequestInvalid, request_condition
from portal.domain.suppression import k_patient, k_staff
from portal.models import (
    Codebook,
    CodebookVersion,
    RequestSource,
    Response,
    Role,
    SupplierRequest,
    TrainingItem,
    User,
)

THEME = "training_needs"
CODEBOOK = "icbt-implementation"
WINDOW_DAYS = 90


@dataclass(frozen=True)
class PlanLine:
    """One plan item as shown: what, for whom, how many asked, when."""

    item: TrainingItem
    requests: int
    responses: int


def item_condition(user: User) -> ColumnElement[bool]:
    """A SQL condition admitting the plan items the user may see."""
    if user.sees_every_service:
        return true()
    if user.role in (Role.MANAGER, Role.THERAPIST) and user.service_id is not None:
        return TrainingItem.service_id == user.service_id
    if user.role is Role.VENDOR and user.vendor_id is not None:
        return TrainingItem.vendor_id == user.vendor_id
    return false()


def find_item(session: Session, user: User, item_id: int) -> TrainingItem | None:
    """One plan item, or None when it does not exist or the user may not see it."""
    return session.scalar(select(TrainingItem).where(TrainingItem.id == item_id,
                                                     item_condition(user)))


def plan(session: Session, user: User) -> list[PlanLine]:
    """The plan items the user sees with how many requests and responses asked (GROUP BY)."""
    asked = (select(SupplierRequest.training_item_id.label("item_id"),
                    func.count(func.distinct(SupplierRequest.id)).label("requests"),
                    func.count(func.distinct(RequestSource.response_id)).label("responses"))
             .outerjoin(RequestSource, RequestSource.request_id == SupplierRequest.id)
             .where(SupplierRequest.training_item_id.is_not(None))
             .group_by(SupplierRequest.training_item_id).subquery())
    rows = session.execute(
        select(TrainingItem, func.coalesce(asked.c.requests, 0),
               func.coalesce(asked.c.responses, 0))
        .outerjoin(asked, asked.c.item_id == TrainingItem.id)
        .where(item_condition(user))
        .order_by(TrainingItem.delivered_on.is_not(None), TrainingItem.scheduled_for,
                  TrainingItem.id)).all()
    return [PlanLine(item, requests, responses) for item, requests, responses in rows]


def unplanned(session: Session, user: User) -> list[SupplierRequest]:
    """Filed training requests not yet in a plan item, oldest first."""
    return list(session.scalars(
        select(SupplierRequest).where(request_condition(user), SupplierRequest.kind == "training",
                                      SupplierRequest.training_item_id.is_(None),
                                      SupplierRequest.status.not_in(UNFILED | {"duplicate"}))
        .order_by(SupplierRequest.filed_at, SupplierRequest.id)))


def _vendor_side(user: User) -> None:
    """Refuse plan changes from anyone who does not act for the vendor."""
    if VENDOR not in sides_of(user):
        raise RequestInvalid("The vendor schedules and delivers training.")


def add_to_plan(session: Session, user: User, request: SupplierRequest, *,
                item: TrainingItem | None = None, topic: str = "",
                audience: str = "") -> TrainingItem:
    """Put a training request into an existing item of its service, or a new one."""
    _vendor_side(user)
    if request.kind != "training":
        raise RequestInvalid("Only training requests go into the training plan.")
    if item is None:
        if not topic.strip():
            raise RequestInvalid("Say what the training is about.")
        item = TrainingItem(service_id=request.service_id, vendor_id=request.vendor_id,
                            topic=topic.strip()[:200], audience=audience.strip()[:200])
        session.add(item)
        session.flush()
    elif (item.service_id, item.vendor_id) != (request.service_id, request.vendor_id):
        raise RequestInvalid("Add the request to a plan item of its own service.")
    request.training_item = item
    session.flush()
    audit.record(session, user, "training.planned", "training_item", item.id,
                 after={"request_id": request.id})
    return item


def schedule(session: Session, user: User, item: TrainingItem, *,
             scheduled_for: date | None = None, delivered_on: date | None = None,
             today: date | None = None) -> None:
    """Set the planned date and/or the delivery date of an item."""
    _vendor_side(user)
    if delivered_on and delivered_on > (today or date.today()):
        raise RequestInvalid("A delivery date cannot be in the future.")
    before = {"scheduled_for": str(item.scheduled_for), "delivered_on": str(item.delivered_on)}
    if scheduled_for is not None:
        item.scheduled_for = scheduled_for
    if delivered_on is not None:
        item.delivered_on = delivered_on
    session.flush()
    audit.record(session, user, "training.scheduled", "training_item", item.id, before=before,
                 after={"scheduled_for": str(item.scheduled_for),
                        "delivered_on": str(item.delivered_on)})


def mentions_around(session: Session, item: TrainingItem, days: int = WINDOW_DAYS, *,
                    k: int | None = None, config: Mapping | None = None) -> dict | None:
    """training_needs mentions in the item's service in the days before and after delivery:
    {"before", "after", "k"}, a period's count None when it comes from fewer than k
    respondents (the patient k when patients are among them).

    Counted with one GROUP BY over the effective tags of the codebook's current version.
    """
    if item.delivered_on is None:
        return None
    version_id = session.scalar(
        select(func.max(CodebookVersion.id)).join(Codebook)
        .where(Codebook.key == CODEBOOK))
    if version_id is None:
        return {"before": 0, "after": 0, "k": k or k_staff(config)}
    tags = effective_tags([version_id]).subquery()
    start = datetime.combine(item.delivered_on, datetime.min.time())
    period = case((Response.submitted_at < start, "before"), else_="after").label("period")
    rows = session.execute(
        select(period, func.count(), func.count(distinct(tags.c.response_id)),
               func.max(case((Response.stakeholder_group == "patient", 1), else_=0)))
        .select_from(tags).join(Response, Response.id == tags.c.response_id)
        .where(tags.c.theme == THEME, Response.service_id == item.service_id,
               Response.submitted_at >= start - timedelta(days=days),
               Response.submitted_at < start + timedelta(days=days))
        .group_by(period)).all()
    patients = any(row[3] for row in rows)
    limit = k or (k_patient(config) if patients else k_staff(config))
    found = {"before": 0, "after": 0, "k": limit}
    for name, mentions, respondents, _patients in rows:
        found[name] = mentions if respondents >= limit else None  # no total is shown beside
    return found
