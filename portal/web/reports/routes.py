"""The printable readiness report of one service: HTML with print CSS, scoped like the
dashboards (a service the user may not see is a 404, not a 403, so its id reveals nothing)."""

import math

import pandas as pd
from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from dashboards import data
from dashboards.exports import fewer_than
from portal.domain.dashboard_filters import Filters
from portal.domain.scoping import service_condition
from portal.extensions import db
from portal.models import Service, utcnow

bp = Blueprint("reports", __name__, url_prefix="/reports")
SECTIONS = ("readiness", "oric", "nomad", "cfir_valence", "waves", "strategies")


@bp.route("/<int:service_id>")
@login_required
def readiness_report(service_id: int):
    """One service's readiness on a printable page, for the filters in the query."""
    service = db.session.scalar(select(Service).where(Service.id == service_id,
                                                      service_condition(current_user)))
    if service is None:
        abort(404)
    filters = Filters.from_query(request.query_string.decode("utf-8", "replace")) \
        .with_(services=(service.id,))
    frames, missing = {}, []
    for name in SECTIONS:
        try:
            frames[name] = data.get(name, current_user, filters)
        except data.NotReady:
            missing.append(name)
    try:
        formula = data.function("portal.domain.readiness", "READINESS_FORMULA")
    except data.NotReady:
        formula = None
    k = data.k_for_view(filters, staff_only=True)
    return render_template("reports/readiness.html", service=service, filters=filters,
                           frames={n: records(f) for n, f in frames.items()}, missing=missing,
                           formula=formula, k=k, fewer=fewer_than(k), generated=utcnow(),
                           show=show, position=position)


def records(frame) -> list[dict]:
    """A frame as rows for the template (NaN becomes None)."""
    if not isinstance(frame, pd.DataFrame):
        return []
    return [{c: (None if isinstance(v, float) and math.isnan(v) else v) for c, v in row.items()}
            for row in frame.to_dict("records")]


def show(value, k: int, digits: int = 2) -> str:
    """A number for print; a missing (suppressed) one reads "fewer than k"."""
    if value is None:
        return fewer_than(k)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def position(value, low: float, high: float) -> float:
    """Where a value sits on a low–high axis, in percent (for the interval bars)."""
    if value is None:
        return 0.0
    return max(0.0, min(100.0, (float(value) - low) / (high - low) * 100))
