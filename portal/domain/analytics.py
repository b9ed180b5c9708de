"""Aggregate queries for the dashboards: GROUP BY in the database, scoped to the user."""

from collections.abc import Collection

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain.scoping import service_condition
from portal.models import Response, Service, User


def month_of(column, dialect: str):
    """Return a SQL expression giving YYYY-MM of a timestamp column on this backend."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def responses_per_month(session: Session, user: User,
                        service_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Count responses per month and stakeholder group over the services the user may see.

    service_ids narrows further (None: every visible service; empty: none).
    """
    month = month_of(Response.submitted_at, session.get_bind().dialect.name).label("month")
    query = (
        select(month, Response.stakeholder_group.label("group"), func.count().label("responses"))
        .join(Service, Service.id == Response.service_id)
        .where(service_condition(user, Response.service_id))
        .group_by(month, Response.stakeholder_group)
        .order_by(month)
    )
    if service_ids is not None:
        query = query.where(Response.service_id.in_(list(service_ids)))
    rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=["month", "group", "responses"])
