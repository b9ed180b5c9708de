"""Readiness: ORIC and NoMAD with intervals, CFIR valence, the readiness index and its formula,
change between waves, and where questionnaire and text disagree. Services stand side by side
in name order with their uncertainty; nothing is ranked."""

import pandas as pd
from dash import Dash, Input, Output, html
from flask_login import current_user
from sqlalchemy import select

from dashboards import data
from dashboards.figures.readiness import (
    construct_estimates,
    index_intervals,
    valence_bars,
    wave_lines,
)
from dashboards.filters import current
from dashboards.pages.widgets import chart, register_chart, table
from portal.domain.bidi import isolate
from portal.domain.scoping import service_condition
from portal.extensions import db
from portal.models import Service

TITLE = "Readiness"


def layout() -> list:
    """The page's skeleton; callbacks fill it."""
    return [
        html.H2(TITLE),
        html.Section(className="formula", children=[
            html.H3("How the readiness index is computed"),
            html.Pre(id="readiness-formula", className="formula-text")]),
        chart("readiness", "Each service's readiness index with its interval; services in "
                           "name order, not ranked."),
        html.H3("Where questionnaire and text disagree"),
        html.Div(id="readiness-flags"),
        chart("oric", "ORIC (1–5): change commitment and change efficacy per service, the mean "
                      "of respondents' scores with its 95% confidence interval and n."),
        chart("nomad", "NoMAD construct items (1–5; not-relevant answers left out) per "
                       "service with 95% confidence intervals; the general items (0–10) are in "
                       "the table."),
        chart("cfir_valence", "CFIR valence per domain from coded text, −2 (strong barrier) to "
                              "+2 (strong facilitator), with the number of mentions."),
        chart("waves", "The readiness index per wave (January–June, July–December) and its "
                       "change from the previous wave; “–” in the table: no data, or fewer "
                       "than k respondents."),
        html.H3("Printable reports"),
        html.Ul(id="report-links", className="report-links"),
    ]


def without_general(frame: pd.DataFrame) -> pd.DataFrame:
    """NoMAD's 0–10 general items do not share the 1–5 axis of the constructs."""
    return frame[frame["construct"] != "general"] if "construct" in frame else frame


def register_callbacks(app: Dash) -> None:
    """The readiness page's callbacks."""
    register_chart(app, "readiness", lambda f, k, _: index_intervals(f, k), staff_only=True)
    register_chart(app, "oric", lambda f, k, _: construct_estimates(
        f, k, "ORIC: organisational readiness for change", (1, 5)), staff_only=True)
    register_chart(app, "nomad", lambda f, k, _: construct_estimates(
        without_general(f), k, "NoMAD: normalisation process", (1, 5)), staff_only=True)
    register_chart(app, "cfir_valence", lambda f, k, _: valence_bars(f, k))
    register_chart(app, "waves", lambda f, k, _: wave_lines(f, k), staff_only=True)

    @app.callback(Output("readiness-formula", "children"), Output("readiness-flags", "children"),
                  Output("report-links", "children"), Input("url", "search"))
    def update_text(search):
        """The formula as documented, the disagreement flags, links to printable reports."""
        filters = current(search)
        links = report_links(filters, search)
        try:
            formula = data.function("portal.domain.readiness", "READINESS_FORMULA")
            frame = data.get("readiness", current_user, filters)
        except data.NotReady as error:
            return f"Not available yet ({error}).", "", links
        return formula, flags(frame, data.k_for_view(filters, staff_only=True)), links


def flags(frame: pd.DataFrame, k: int):
    """The services whose questionnaire and text point different ways, with why."""
    column = next((c for c in ("flag", "flags", "disagreement") if c in frame.columns), None)
    if column is None:
        return html.P("No disagreement flags in this view.")
    flagged = frame[frame[column].fillna("").astype(str).str.len() > 0]
    if flagged.empty:
        return html.P("Questionnaire and text agree for every service in this view.")
    columns = [c for c in ("service", "questionnaire", "text", column) if c in flagged]
    return table(flagged[columns], k, "Disagreement between questionnaire and text")


def report_links(filters, search: str | None) -> list:
    """A printable report link for each visible service in the view."""
    query = select(Service).where(service_condition(current_user)).order_by(Service.name)
    if filters.services:
        query = query.where(Service.id.in_(filters.services))
    return [html.Li(html.A(f"Printable readiness report: {isolate(s.name)}",
                           href=f"/reports/{s.id}{search or ''}", target="_blank"))
            for s in db.session.scalars(query)]
