"""Vendor responsiveness for the dashboards: time to first response and to resolution, SLA
breaches and the backlog over time, each one GROUP BY over the requests the user may see."""

from collections.abc import Mapping
from datetime import datetime

import pandas as pd
from sqlalchemy import Integer, case, cast, func, literal, select
from sqlalchemy.orm import Session

from portal.config import DEFAULT_SLA_HOURS
from portal.domain.dashboard_filters import Filters
from portal.domain.request_status import FINISHED, UNFILED
from portal.domain.requests import request_condition
from portal.models import Product, Service, SupplierRequest, User, Vendor, utcnow

DIMENSIONS = {"vendor": (Vendor.name, Vendor.id), "product": (Product.name, Product.id),
              "service": (Service.name, Service.id)}
COLUMNS = ["key", "label", "requests", "open", "first_response_hours", "resolution_hours",
           "first_response_breaches", "resolution_breaches"]


def hours_between(later, earlier, dialect: str):
    """SQL for the hours from earlier to later on this backend."""
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24.0


def _target(index: int, targets: Mapping[str, tuple[int, int]]):
    """SQL: a request's target hours (0 first response, 1 resolution) from its priority."""
    return case(*[(SupplierRequest.priority == p, literal(t[index]))
                  for p, t in targets.items()], else_=literal(targets["normal"][index]))


def _conditions(user: User, filters: Filters) -> list:
    """Filed requests the user may see, narrowed by the filter bar's services and dates."""
    conditions = [request_condition(user), SupplierRequest.status.not_in(UNFILED),
                  SupplierRequest.filed_at.is_not(None)]
    if filters.services:
        conditions.append(SupplierRequest.service_id.in_(filters.services))
    if filters.start:
        conditions.append(SupplierRequest.filed_at >= datetime.combine(filters.start,
                                                                       datetime.min.time()))
    if filters.end:
        conditions.append(SupplierRequest.filed_at < datetime.combine(
            filters.end, datetime.max.time()))
    return conditions


def breach_expressions(dialect: str, now: datetime, targets: Mapping[str, tuple[int, int]]):
    """SQL 0/1 flags: first response late, resolution late (still running clocks count too)."""
    filed = SupplierRequest.filed_at
    first_end = func.coalesce(SupplierRequest.first_response_at, now)
    resolve_end = func.coalesce(SupplierRequest.resolved_at, now)
    first = case((hours_between(first_end, filed, dialect) > _target(0, targets), 1), else_=0)
    resolve = case((hours_between(resolve_end, filed, dialect) > _target(1, targets), 1),
                   else_=0)
    return first, resolve


def responsiveness(session: Session, user: User, filters: Filters, dimension: str = "vendor",
                   config: Mapping | None = None, now: datetime | None = None) -> pd.DataFrame:
    """Per vendor, product or service: requests, open ones, mean hours to first response and
    to resolution (of those that had one), and SLA breaches."""
    dialect = session.get_bind().dialect.name
    targets = (config or {}).get("REQUEST_SLA_HOURS", DEFAULT_SLA_HOURS)
    now = now or utcnow()
    label, key = DIMENSIONS[dimension]
    filed = SupplierRequest.filed_at
    first_breach, resolve_breach = breach_expressions(dialect, now, targets)
    query = (
        select(key.label("key"), label.label("label"), func.count().label("requests"),
               func.sum(case((SupplierRequest.status.in_(FINISHED), 0), else_=1)).label("open"),
               func.avg(hours_between(SupplierRequest.first_response_at, filed, dialect)),
               func.avg(hours_between(SupplierRequest.resolved_at, filed, dialect)),
               func.sum(first_breach), func.sum(resolve_breach))
        .select_from(SupplierRequest)
        .join(Vendor, Vendor.id == SupplierRequest.vendor_id)
        .join(Product, Product.id == SupplierRequest.product_id)
        .join(Service, Service.id == SupplierRequest.service_id)
        .where(*_conditions(user, filters))
        .group_by(key, label).order_by(label))
    frame = pd.DataFrame(session.execute(query).all(), columns=COLUMNS)
    for column in ("first_response_hours", "resolution_hours"):
        frame[column] = pd.to_numeric(frame[column]).round(1)
    for column in ("requests", "open", "first_response_breaches", "resolution_breaches"):
        frame[column] = pd.to_numeric(frame[column]).astype(int)
    return frame


def week_of(column, dialect: str):
    """SQL: the Monday (YYYY-MM-DD) of the week a timestamp falls in."""
    if dialect == "postgresql":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
    return func.date(column, "weekday 0", "-6 days")


def backlog(session: Session, user: User, filters: Filters) -> pd.DataFrame:
    """Open requests at the end of each week: filed minus finished, counted per week in SQL."""
    dialect = session.get_bind().dialect.name
    conditions = _conditions(user, filters)
    filed_week = week_of(SupplierRequest.filed_at, dialect)
    done_week = week_of(SupplierRequest.resolved_at, dialect)
    filed = session.execute(select(filed_week, func.count()).where(*conditions)
                            .group_by(filed_week)).all()
    done = session.execute(select(done_week, cast(func.count(), Integer))
                           .where(*conditions, SupplierRequest.resolved_at.is_not(None))
                           .group_by(done_week)).all()
    if not filed:
        return pd.DataFrame(columns=["week", "filed", "finished", "open"])
    weeks = pd.DataFrame({"filed": pd.Series(dict(filed), dtype=int)}) \
        .join(pd.DataFrame({"finished": pd.Series(dict(done), dtype=int)}), how="outer")
    weeks.index = pd.to_datetime(weeks.index)
    every = pd.date_range(weeks.index.min(), weeks.index.max(), freq="7D")
    weeks = weeks.reindex(every, fill_value=0).fillna(0).astype(int)
    weeks["open"] = (weeks["filed"] - weeks["finished"]).cumsum()
    weeks.index.name = "week"
    return weeks.reset_index()


def breaches(session: Session, user: User, filters: Filters, config: Mapping | None = None,
             now: datetime | None = None) -> pd.DataFrame:
    """SLA breaches per priority: requests, late first responses, late resolutions."""
    dialect = session.get_bind().dialect.name
    targets = (config or {}).get("REQUEST_SLA_HOURS", DEFAULT_SLA_HOURS)
    first_breach, resolve_breach = breach_expressions(dialect, now or utcnow(), targets)
    rows = session.execute(
        select(SupplierRequest.priority, func.count(), func.sum(first_breach),
               func.sum(resolve_breach))
        .where(*_conditions(user, filters)).group_by(SupplierRequest.priority)).all()
    order = {p: i for i, p in enumerate(targets)}
    frame = pd.DataFrame(rows, columns=["priority", "requests", "first_response_breaches",
                                        "resolution_breaches"])
    frame = frame.assign(order=frame["priority"].map(order)).sort_values("order") \
        .drop(columns="order").reset_index(drop=True)
    for column in ("requests", "first_response_breaches", "resolution_breaches"):
        frame[column] = pd.to_numeric(frame[column]).astype(int)
    return frame
