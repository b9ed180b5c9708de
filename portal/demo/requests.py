"""Demo requests: some of the proposals the demo feedback made, taken through the tracker."""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.requests import add_comment, change_status, edit_request
from portal.domain.training_plan import add_to_plan, schedule
from portal.models import Service, SupplierRequest, User

# What happens to the newest confirmed proposals of each service, in order.
STORIES = (
    ("new",),
    ("acknowledged",),
    ("acknowledged", "in_progress"),
    ("acknowledged", "resolved"),
    ("in_progress", "resolved", "closed"),
    ("acknowledged", "wont_fix"),
)
KEEP_PROPOSED = 3


def load_requests(session: Session, services: list[Service], managers: dict[int, User],
                  vendor_users: dict[int, User]) -> None:
    """Confirm a few proposals per service and move them on; dismiss the older rest."""
    for service in services:
        manager = managers[service.id]
        proposals = list(session.scalars(
            select(SupplierRequest).where(SupplierRequest.service_id == service.id,
                                          SupplierRequest.status == "proposed")
            .order_by(SupplierRequest.created_at.desc(), SupplierRequest.id.desc())))
        # The newest training proposal is set aside first: which proposals are newest
        # depends on the clock the demo is loaded at, and the plan should not.
        training = next((p for p in proposals if p.kind == "training"), None)
        proposals = [p for p in proposals if p is not training]
        confirmed = proposals[KEEP_PROPOSED:KEEP_PROPOSED + len(STORIES)]
        for story, request in zip(STORIES, confirmed, strict=False):
            _tell(session, request, story, manager, vendor_users[request.vendor_id])
        for request in proposals[KEEP_PROPOSED + len(STORIES):]:
            change_status(session, request, manager, "dismissed", request.created_at, "")
        if training is not None:
            _plan_training(session, training, manager, vendor_users)
    session.commit()


def _tell(session: Session, request: SupplierRequest, story: tuple[str, ...], manager: User,
          vendor: User) -> None:
    """Confirm a proposal, then let the vendor take it through the story's statuses."""
    when = request.created_at + timedelta(hours=20)
    priority = "high" if request.kind == "bug" else "normal"
    edit_request(session, request, manager, expected_version=request.version,
                 changes={"priority": priority}, now=when)
    change_status(session, request, manager, "new", when, "")
    for step, status in enumerate(story, start=1):
        if status == "new":
            continue
        when += timedelta(hours=6 * step * (1 + request.id % 5))
        if status == "acknowledged":
            edit_request(session, request, vendor, expected_version=request.version,
                         changes={"assignee_id": vendor.id}, now=when)
            add_comment(session, request, vendor, "Thanks, we are looking into this.", True,
                        when, "")
            add_comment(session, request, vendor, "Check the release notes before replying.",
                        False, when, "")
        change_status(session, request, vendor if status != "closed" else manager, status,
                      when, "")


def _plan_training(session: Session, request: SupplierRequest, manager: User,
                   vendor_users: dict[int, User]) -> None:
    """File a training proposal and put it in a delivered plan item."""
    vendor = vendor_users[request.vendor_id]
    change_status(session, request, manager, "new", request.created_at, "")
    item = add_to_plan(session, vendor, request, topic="Supporting patients in the programme",
                       audience="Therapists new to iCBT")
    delivered = (request.created_at + timedelta(days=14)).date()
    schedule(session, vendor, item, scheduled_for=delivered,
             delivered_on=min(delivered, date.today()))
