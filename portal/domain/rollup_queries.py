"""Reading the dashboard rollups: the cells a user may see under a view's filters.

Periods are whole months (Filters snaps its dates to month ends), so a month's cell is
either in a view or out of it, and sums over cells give exactly what a count over the
responses would.
"""

from sqlalchemy import ColumnElement, case, func

from portal.domain.dashboard_filters import Filters, scoped_conditions
from portal.models import ThemeRollup, User


# 1 when a summed cell holds a patient's response: such cells need the (larger) patient k.
def has_patients(table) -> ColumnElement:
    """SQL: 1 when any of the summed rows is a patient cell."""
    return func.max(case((table.stakeholder_group == "patient", 1), else_=0))


def cell_conditions(user: User, filters: Filters, table) -> list[ColumnElement[bool]]:
    """SQL conditions on a rollup table (ThemeRollup or ScoreRollup) for scope and filters.

    The scope is always applied: a service id the user may not see simply matches nothing.
    """
    return scoped_conditions(user, filters, table.service_id, table.stakeholder_group,
                             table.programme,
                             since=lambda start: table.month >= start.strftime("%Y-%m"),
                             until=lambda end: table.month <= end.strftime("%Y-%m"))


def theme_rows(user: User, filters: Filters, version_id: int, kind: str,
               b: str | None = None) -> list[ColumnElement[bool]]:
    """Conditions for one kind of theme key (and second part) of a version, scoped."""
    conditions = [ThemeRollup.codebook_version_id == version_id, ThemeRollup.kind == kind,
                  *cell_conditions(user, filters, ThemeRollup)]
    if b is not None:
        conditions.append(ThemeRollup.b == b)
    return conditions
