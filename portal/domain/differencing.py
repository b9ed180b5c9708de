"""Differencing: a narrowed view must not give away a small group by subtraction.

Filters pick subsets of services, stakeholder groups, programmes and months. Two views that
differ in one filter differ by the parts it leaves out or lets in: "January to April" minus
"January to March" is April alone; "therapists and managers" minus "therapists" is the
managers alone; all services minus one is the rest. Primary and complementary suppression
protect each table on its own, not these differences.

So a cell of a view narrowed by a filter is shown only when, along that filter, every part
the view includes (each month, group, programme or service chosen) is empty or holds at
least k respondents, and the parts it leaves out hold, together, none or at least k. Then
the difference of two nested views is a sum of parts the wider one includes (0 or at least
k), and the difference from the whole is what was left out (0 or at least k); views that
overlap without nesting differ by no group at all. A dimension that a table shows cell by
cell (the heatmap's groups, the trend's months) sums nothing, so it needs no check. Views
narrowed along several filters at once are checked one filter at a time, with the others
applied; docs/SECURITY.md says what that leaves open.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from portal.domain.dashboard_filters import Filters
from portal.domain.rollup_queries import has_patients
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


def chosen(filters: Filters, dimension: str, part) -> bool:
    """True when a view's filter includes this part (a service id, group, programme or
    YYYY-MM month)."""
    if dimension == "period":
        return ((filters.start is None or part >= filters.start.strftime("%Y-%m"))
                and (filters.end is None or part <= filters.end.strftime("%Y-%m")))
    return part in getattr(filters, dimension)


def exposed_cells(session: Session, filters: Filters, table, keys: Sequence[ColumnElement],
                  people: ColumnElement, conditions: Callable[[Filters], list], *,
                  shown: Iterable[str] = (), k: int | None = None,
                  config: Mapping | None = None) -> set[tuple]:
    """Keys of the cells that a narrower or wider view would give away by subtraction.

    keys are the table's cell columns; people the rollup column of respondents (summed);
    conditions(filters) the view's WHERE for any filters (scope included); shown the
    dimensions the table displays cell by cell. One GROUP BY per narrowing filter.
    """
    def limit(with_patients) -> int:
        """The threshold for a part, or for the parts left out together."""
        if k is not None:
            return k
        return k_patient(config) if with_patients else k_staff(config)

    exposed: set[tuple] = set()
    for dimension in narrowed(filters):
        if dimension in shown:
            continue
        part = part_column(table, dimension)
        query = select(*keys, part, func.sum(people), has_patients(table)) \
            .where(*conditions(widened(filters, dimension))).group_by(*keys, part)
        left_out: dict[tuple, list[int]] = {}
        for *key, value, respondents, with_patients in session.execute(query):
            respondents, key = respondents or 0, tuple(key)
            if chosen(filters, dimension, value):
                if 0 < respondents < limit(with_patients):
                    exposed.add(key)
            else:
                total = left_out.setdefault(key, [0, 0])
                total[0] += respondents
                total[1] |= bool(with_patients)
        exposed |= {key for key, (respondents, with_patients) in left_out.items()
                    if 0 < respondents < limit(with_patients)}
    return exposed
