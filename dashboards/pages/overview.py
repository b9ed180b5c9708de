"""Overview: who has answered, how links are taken up, how fresh the data is."""

from datetime import datetime

from dash import Dash, Input, Output, html
from flask_login import current_user

from dashboards import data
from dashboards.figures.overview import responses_bars, uptake_bars
from dashboards.filters import current
from dashboards.pages.widgets import chart, register_chart, table

TITLE = "Overview"
BARS = {"responses_service": ("Responses per service", "Service"),
        "responses_group": ("Responses per stakeholder group", "Stakeholder group"),
        "responses_instrument": ("Responses per questionnaire", "Questionnaire"),
        "responses_month": ("Responses per month", "Month")}


def layout() -> list:
    """The page's skeleton; callbacks fill it."""
    return [
        html.H2(TITLE),
        html.P(id="freshness", className="freshness", role="status"),
        html.Div(className="chart-grid", children=[
            chart(name, f"{title}, counted in the database for the filters above.")
            for name, (title, _axis) in BARS.items()]),
        chart("uptake_services", "Uses of each service's invitation links against the "
                                 "maximum the links allow."),
        html.H3("Invitation links"),
        html.Div(id="uptake-links"),
    ]


def register_callbacks(app: Dash) -> None:
    """The overview's callbacks."""
    for name, (title, axis) in BARS.items():
        register_chart(app, name, lambda frame, k, _f, t=title, a=axis: responses_bars(
            frame, t, a, k))
    register_chart(app, "uptake_services", lambda frame, _k, _f: uptake_bars(frame))

    @app.callback(Output("freshness", "children"), Output("uptake-links", "children"),
                  Input("url", "search"))
    def update_freshness(search):
        """Latest response and coding in view, and every link's uses."""
        filters = current(search)
        fresh = data.get("freshness", current_user, filters)
        links = data.get("uptake_links", current_user, filters)
        k = data.k_for_view(filters)
        return freshness_text(fresh), table(links.assign(rate=(links["rate"] * 100).round(0)),
                                            k, "Uses per invitation link (rate in %)",
                                            name="uptake_links")


def freshness_text(fresh: dict) -> str:
    """'Latest response 2026-03-05 · latest coding 2026-03-05 10:12' (UTC)."""
    def when(value: datetime | None) -> str:
        return value.strftime("%Y-%m-%d %H:%M UTC") if value else "none yet"

    return (f"Data freshness: latest response {when(fresh['latest_response'])} · "
            f"latest coding {when(fresh['latest_coding'])}.")
