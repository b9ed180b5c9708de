"""Dashboard filters: what a view shows, as a URL query, and as SQL conditions on responses."""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import parse_qs, urlencode

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from portal.domain.scoping import service_condition
from portal.models import AuditEvent, Codebook, CodebookVersion, Coding, Response, User
from portal.models.instruments import STAKEHOLDER_GROUPS

# Audit actions that take responses away (portal.domain.erasure writes them).
REMOVAL_ACTIONS = ("response.erased", "data.purged")
CODEBOOK_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
PROGRAMME = re.compile(r"^[a-z0-9_-]{1,40}$")
DEFAULT_CODEBOOK = "icbt-implementation"


@dataclass(frozen=True)
class Filters:
    """One dashboard view's filters; empty tuples mean "all that the user may see".

    The period is whole months: start is snapped to the first of its month and end to the
    last, so every number can come from the monthly rollups.
    """

    services: tuple[int, ...] = ()
    groups: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    codebook: str = DEFAULT_CODEBOOK
    version: int | None = None  # a codebook version number; None is the current one

    def __post_init__(self) -> None:
        """Snap the period to whole months."""
        if self.start is not None:
            object.__setattr__(self, "start", self.start.replace(day=1))
        if self.end is not None:
            object.__setattr__(self, "end", month_end(self.end))

    def to_query(self) -> str:
        """The filters as a URL query string (without "?"), stable for sharing."""
        pairs = [("service", s) for s in self.services] + [("group", g) for g in self.groups]
        pairs += [("programme", p) for p in self.programmes]
        if self.start:
            pairs.append(("from", self.start.isoformat()))
        if self.end:
            pairs.append(("to", self.end.isoformat()))
        if self.codebook != DEFAULT_CODEBOOK:
            pairs.append(("codebook", self.codebook))
        if self.version is not None:
            pairs.append(("version", self.version))
        return urlencode(pairs)

    @classmethod
    def from_query(cls, query: str) -> "Filters":
        """Parse a query string, dropping anything malformed rather than failing the page."""
        raw = parse_qs(query.lstrip("?"), keep_blank_values=False)
        services = tuple(sorted({int(v) for v in raw.get("service", [])
                                 if v.isascii() and v.isdigit() and len(v) < 19}))
        groups = tuple(g for g in STAKEHOLDER_GROUPS if g in raw.get("group", []))
        programmes = tuple(sorted({p for p in raw.get("programme", []) if PROGRAMME.match(p)}))
        codebook = next((c for c in raw.get("codebook", []) if CODEBOOK_KEY.match(c)),
                        DEFAULT_CODEBOOK)
        version = next((int(v) for v in raw.get("version", [])
                        if v.isascii() and v.isdigit() and len(v) < 9),
                       None)
        return cls(services, groups, programmes, _date(raw.get("from")), _date(raw.get("to")),
                   codebook, version)

    def with_(self, **changes) -> "Filters":
        """A copy with some filters changed."""
        return replace(self, **changes)


def month_end(day: date) -> date:
    """The last day of the day's month."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _date(values: list[str] | None) -> date | None:
    """The first value that is an ISO date, else None."""
    for value in values or []:
        try:
            return date.fromisoformat(value)
        except ValueError:
            continue
    return None


def response_conditions(user: User, filters: Filters) -> list[ColumnElement[bool]]:
    """SQL conditions on Response for the user's scope and the filters.

    The scope is always applied: a service id the user may not see simply matches nothing.
    """
    return scoped_conditions(
        user, filters, Response.service_id, Response.stakeholder_group, Response.programme,
        since=lambda start: Response.submitted_at >= datetime.combine(start, time.min),
        until=lambda end: Response.submitted_at < datetime.combine(end + timedelta(days=1),
                                                                   time.min))


def scoped_conditions(user: User, filters: Filters, service: ColumnElement,
                      group: ColumnElement, programme: ColumnElement, *,
                      since: Callable[[date], ColumnElement[bool]],
                      until: Callable[[date], ColumnElement[bool]]
                      ) -> list[ColumnElement[bool]]:
    """The user's scope and the filters on any table's columns; since/until turn the
    period's first and last day into conditions on that table's notion of time."""
    conditions = [service_condition(user, service)]
    if filters.services:
        conditions.append(service.in_(filters.services))
    if filters.groups:
        conditions.append(group.in_(filters.groups))
    if filters.programmes:
        conditions.append(programme.in_(filters.programmes))
    if filters.start:
        conditions.append(since(filters.start))
    if filters.end:
        conditions.append(until(filters.end))
    return conditions


def codebook_version(session: Session, filters: Filters) -> CodebookVersion | None:
    """The codebook version the filters name (the current one when no number is given)."""
    query = select(CodebookVersion).join(Codebook).where(Codebook.key == filters.codebook)
    if filters.version is not None:
        query = query.where(CodebookVersion.number == filters.version)
    return session.scalar(query.order_by(CodebookVersion.number.desc()).limit(1))


def data_version(session: Session) -> tuple[int, int, int, int]:
    """Changes whenever a response, a coding or a codebook version arrives, or responses are
    erased or purged: a cache key.

    Replacing a coding always inserts a new one, and merges and splits make a new version, so
    three index look-ups see every change that could move a dashboard number; a removal
    leaves the maxima alone but always writes an audit event, the fourth.
    """
    return session.execute(select(
        select(func.coalesce(func.max(Response.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(Coding.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(CodebookVersion.id), 0)).scalar_subquery(),
        select(func.coalesce(func.max(AuditEvent.id), 0))
        .where(AuditEvent.action.in_(REMOVAL_ACTIONS)).scalar_subquery())).one()
