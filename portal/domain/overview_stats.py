"""The overview's numbers: activity, invitation uptake and data freshness, each one GROUP BY.

Every query is scoped by `response_conditions(user, filters)` (or the same service condition
on invitations), so a service the user may not see contributes nothing.
"""

from collections.abc import Mapping
from datetime import datetime, time

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.domain.dashboard_filters import Filters, response_conditions
from portal.domain.differencing import exposed_cells
from portal.domain.rollup_queries import cell_conditions
from portal.domain.rollups import RESPONSES
from portal.domain.scoping import service_condition
from portal.domain.suppression import k_for, suppress_series
from portal.models import Coding, Instrument, Invitation, Response, ScoreRollup, Service, User

DIMENSIONS = ("service", "group", "instrument", "month")
S = ScoreRollup


def responses_by(session: Session, user: User, filters: Filters, dimension: str, *,
                 k: int | None = None, config: Mapping | None = None) -> pd.DataFrame:
    """Responses per service, stakeholder group, instrument or month: columns key, label,
    responses, suppressed (one GROUP BY over the monthly rollups).

    A bar from fewer than k respondents is hidden, and with it the next-smallest bar, so the
    total cannot give it away: the patient k where patients may be among them, else staff k.
    """
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    query = select(func.sum(S.n).label("responses")) \
        .where(S.construct.startswith(RESPONSES), *cell_conditions(user, filters, S))
    if dimension == "service":
        key, label = Service.id, Service.name
        query = query.join(Service, Service.id == S.service_id)
    elif dimension == "instrument":
        key, label = Instrument.key, Instrument.title
        query = query.join(Instrument,
                           Instrument.key == func.substr(S.construct, len(RESPONSES) + 1))
    elif dimension == "group":
        key = label = S.stakeholder_group
    else:
        key = label = S.month
    query = query.add_columns(key.label("key"), label.label("label")) \
        .group_by(key, label).order_by(key)
    rows = session.execute(query).all()
    frame = pd.DataFrame([(r.key, r.label, r.responses) for r in rows],
                         columns=["key", "label", "responses"])
    if frame.empty:
        return frame.assign(suppressed=pd.Series(dtype=bool))
    if dimension == "group":
        limits = pd.Series([k or k_for([g], config) for g in frame["key"]], index=frame.index)
    else:
        limits = pd.Series(k or k_for(filters.groups, config), index=frame.index)
    exposed = _exposed_bars(session, user, filters, dimension, k, config)
    limits = limits.astype(float).mask(frame["key"].isin(exposed), np.inf)
    shown, _ = suppress_series(frame["responses"], frame["responses"], limits)
    return frame.assign(responses=shown, suppressed=shown.isna())


def _exposed_bars(session: Session, user: User, filters: Filters, dimension: str,
                  k: int | None, config: Mapping | None) -> set:
    """Keys of bars that a narrower or wider filter would give away by subtraction."""
    column, shown = {"service": (S.service_id, ["services"]), "instrument": (S.construct, []),
                     "group": (S.stakeholder_group, ["groups"]),
                     "month": (S.month, ["period"])}[dimension]
    exposed = exposed_cells(session, filters, S, [column], S.n,
                            lambda f: [S.construct.startswith(RESPONSES),
                                       *cell_conditions(user, f, S)],
                            shown=shown, k=k, config=config)
    return {key.removeprefix(RESPONSES) if dimension == "instrument" else key
            for (key,) in exposed}


def invitation_uptake(session: Session, user: User, filters: Filters, *, k: int | None = None,
                      config: Mapping | None = None) -> pd.DataFrame:
    """Per invitation link: service, instrument, label, uses, max_uses and the use rate.

    A link's uses are responses: fewer than k (the patient k for patient links) are hidden
    with the rate, and a service's lone hidden link takes its next-smallest with it, since
    the service's total is shown beside.
    """
    query = (select(Invitation.id, Service.name.label("service"),
                    Instrument.title.label("instrument"), Invitation.label, Invitation.uses,
                    Invitation.max_uses, Instrument.stakeholder_group)
             .join(Service, Service.id == Invitation.service_id)
             .join(Instrument, Instrument.id == Invitation.instrument_id)
             .where(*_invitation_conditions(user, filters))
             .order_by(Service.name, Invitation.id))
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["id", "service", "instrument", "label", "uses", "max_uses",
                                  "group"])
    frame["uses"] = frame["uses"].astype(float)
    for _service, links in frame.groupby("service", sort=False):
        limits = pd.Series([k or k_for([g], config) for g in links["group"]], index=links.index)
        shown, _ = suppress_series(links["uses"], links["uses"], limits)
        frame.loc[links.index, "uses"] = shown
    frame["rate"] = _rate(frame["uses"], frame["max_uses"])
    frame["suppressed"] = frame["uses"].isna()
    return frame.drop(columns="group")


def uptake_by_service(session: Session, user: User, filters: Filters, *, k: int | None = None,
                      config: Mapping | None = None) -> pd.DataFrame:
    """Per service: links, uses, max_uses and the use rate (one GROUP BY); uses from fewer
    than k respondents are hidden, with a complement (the patient k where patient links
    count)."""
    patients = func.max(case((Instrument.stakeholder_group == "patient", 1), else_=0))
    query = (select(Service.id.label("service_id"), Service.name.label("service"),
                    func.count(Invitation.id).label("links"),
                    func.coalesce(func.sum(Invitation.uses), 0).label("uses"),
                    func.coalesce(func.sum(Invitation.max_uses), 0).label("max_uses"),
                    patients.label("patients"))
             .join(Service, Service.id == Invitation.service_id)
             .join(Instrument, Instrument.id == Invitation.instrument_id)
             .where(*_invitation_conditions(user, filters))
             .group_by(Service.id, Service.name).order_by(Service.name))
    frame = pd.DataFrame(session.execute(query).all(),
                         columns=["service_id", "service", "links", "uses", "max_uses",
                                  "patients"])
    limits = pd.Series([k or k_for(["patient"] if p else ["therapist"], config)
                        for p in frame["patients"]], index=frame.index)
    frame["uses"], _ = suppress_series(frame["uses"].astype(float),
                                       frame["uses"].astype(float), limits)
    frame["rate"] = _rate(frame["uses"], frame["max_uses"])
    frame["suppressed"] = frame["uses"].isna()
    return frame.drop(columns="patients")


def freshness(session: Session, user: User, filters: Filters) -> dict[str, datetime | None]:
    """The latest response and the latest coding within the view (one query)."""
    conditions = response_conditions(user, filters)
    latest_response = select(func.max(Response.submitted_at)).where(*conditions)
    latest_coding = select(func.max(Coding.created_at)) \
        .join(Response, Response.id == Coding.response_id).where(*conditions)
    row = session.execute(select(latest_response.scalar_subquery(),
                                 latest_coding.scalar_subquery())).one()
    return {"latest_response": row[0], "latest_coding": row[1]}


def _invitation_conditions(user: User, filters: Filters) -> list:
    """Invitations inside the user's scope and the filters that apply to links."""
    conditions = [service_condition(user, Invitation.service_id)]
    if filters.services:
        conditions.append(Invitation.service_id.in_(filters.services))
    if filters.groups:
        conditions.append(Instrument.stakeholder_group.in_(filters.groups))
    if filters.end:
        conditions.append(Invitation.created_at < datetime.combine(filters.end, time.max))
    return conditions


def _rate(uses: pd.Series, max_uses: pd.Series) -> pd.Series:
    """uses / max_uses, empty where no uses were allowed."""
    return (uses / max_uses.where(max_uses > 0)).astype(float)
