"""SLA clocks: how long a request has waited for a first response and for resolution."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal.domain.request_status import UNFILED
from portal.models import SupplierRequest


@dataclass(frozen=True)
class Clock:
    """One SLA clock: its due time, when it stopped (if it has) and whether it was breached."""

    label: str
    due: datetime | None
    stopped_at: datetime | None
    now: datetime

    @property
    def breached(self) -> bool:
        """True when the target passed before the clock stopped (or it is still running)."""
        if self.due is None:
            return False
        return (self.stopped_at or self.now) > self.due

    @property
    def running(self) -> bool:
        """True while the request still waits for this event."""
        return self.due is not None and self.stopped_at is None

    @property
    def text(self) -> str:
        """'due in 3 h', 'overdue by 2 d 4 h', 'met', 'missed by 5 h' or 'not filed yet'."""
        if self.due is None:
            return "not filed yet"
        if self.stopped_at is not None:
            return f"missed by {span(self.stopped_at - self.due)}" if self.breached else "met"
        if self.breached:
            return f"overdue by {span(self.now - self.due)}"
        return f"due in {span(self.due - self.now)}"


def span(delta: timedelta) -> str:
    """A duration in whole days and hours, at least '0 h'."""
    hours = max(int(delta.total_seconds() // 3600), 0)
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if days else f"{hours} h"


def clocks(request: SupplierRequest, now: datetime,
           targets: dict[str, tuple[int, int]]) -> tuple[Clock, Clock]:
    """The first-response and resolution clocks of a request at now."""
    first_hours, resolve_hours = targets.get(request.priority, targets["normal"])
    filed = request.filed_at if request.status not in UNFILED else None
    first_due = filed + timedelta(hours=first_hours) if filed else None
    resolve_due = filed + timedelta(hours=resolve_hours) if filed else None
    return (Clock("First response", first_due, request.first_response_at, now),
            Clock("Resolution", resolve_due, request.resolved_at, now))
