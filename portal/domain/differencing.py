"""Differencing: a narrowed view must not give away a small group by subtraction.

Filters pick subsets of services, stakeholder groups, programmes and months. Two views that
differ in one filter differ by the parts it leaves out or lets in: "January to April" minus
"January to March" is April alone; "therapists and managers" minus "therapists" is the
managers alone; all services minus one is the rest. Primary and complementary suppression
protect each table on its own, not these differences.

So a cell of a view narrowed by a filter is shown only when every part along that filter
(each month, group, programme or service in the user's scope, chosen or not) is empty or
holds at least k respondents: any difference of two such views is then a sum of parts, each
0 or at least k. A dimension that a table shows cell by cell (the heatmap's groups, the
trend's months) sums nothing, so it needs no check. Views narrowed along several filters at
once are checked one filter at a time, with the others applied; docs/SECURITY.md says what
that leaves open.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from portal.domain.dashboard_filters import Filters
from portal.domain.suppression import k_patient, k_staff

DIMENSIONS = ("services", "groups", "programmes", "period")


def narrowed(filters: Filters) -> list[str]:
    """The filters that narrow the view below everything the user may see."""
    chosen = {"services": bool(filters.services), "groups": bool(filters.groups),
              "programmes": bool(filters.programmes),
              "period": filters.start is not None or filters.end is not None}
    return [name for name in DIMENSIONS if chosen[name]]


def widened(filters: Filters, dimension: str) -> Filters:
    """The same view with one filter taken off."""
    if dimension == "period":
        return filters.with_(start=None, end=None)
    return filters.with_(**{dimension: ()})


def part_column(table, dimension: str) -> ColumnElement:
    """The rollup column a filter chooses among."""
    return {"services": table.service_id, "groups": table.stakeholder_group,
            "programmes": table.programme, "period": table.month}[dimension]


def exposed_cells(session: Session, filters: Filters, table, keys: Sequence[ColumnElement],
                  people: ColumnElement, conditions: Callable[[Filters], list], *,
                  shown: Iterable[str] = (), k: int | None = None,
                  config: Mapping | None = None) -> set[tuple]:
    """Keys of the cells that a narrower or wider view would give away by subtraction.

    keys are the table's cell columns; people the rollup column of respondents (summed);
    conditions(filters) the view's WHERE for any filters (scope included); shown the
    dimensions the table displays cell by cell. One GROUP BY per narrowing filter.
    """
    exposed: set[tuple] = set()
    for dimension in narrowed(filters):
        if dimension in shown:
            continue
        part = part_column(table, dimension)
        patients = func.max(case((table.stakeholder_group == "patient", 1), else_=0))
        query = select(*keys, func.sum(people), patients) \
            .where(*conditions(widened(filters, dimension))).group_by(*keys, part)
        for *key, respondents, with_patients in session.execute(query):
            limit = k if k is not None else (k_patient(config) if with_patients
                                             else k_staff(config))
            if 0 < (respondents or 0) < limit:
                exposed.add(tuple(key))
    return exposed
