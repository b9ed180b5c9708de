"""Strategies: per service its strongest barriers and the ERIC strategies experts endorsed for
them (CFIR–ERIC matching), with the source cited."""

import pandas as pd
from dash import Dash, Input, Output, html
from flask_login import current_user

from dashboards import data
from dashboards.filters import current
from dashboards.pages.widgets import table

TITLE = "Strategies"
SOURCE_COLUMNS = ("source", "citation")


def layout() -> list:
    """The page's skeleton; a callback fills it."""
    return [
        html.H2(TITLE),
        html.P("For each service, the CFIR constructs with the most barrier mentions and the "
               "implementation strategies (ERIC) that experts endorsed for them.",
               className="chart-note"),
        html.Div(className="chart-actions", children=[
            html.Button("Download CSV", id={"type": "csv", "chart": "strategies"}, n_clicks=0,
                        className="button-secondary",
                        **{"aria-label": "Download the strategies as CSV"})]),
        html.Div(id="strategies-body"),
    ]


def register_callbacks(app: Dash) -> None:
    """The strategies page's callback."""

    @app.callback(Output("strategies-body", "children"), Input("url", "search"))
    def update_strategies(search):
        """One section per service: barriers, strategies, clusters and the source."""
        filters = current(search)
        try:
            frame = data.get("strategies", current_user, filters)
        except data.NotReady as error:
            return html.P(f"Not available yet ({error}).")
        return sections(frame, data.k_for_view(filters))


def sections(frame: pd.DataFrame, k: int) -> list:
    """Render the strategies frame per service, citing its sources once per service."""
    if frame.empty:
        return [html.P("No barriers coded for the services in this view.")]
    source_column = next((c for c in SOURCE_COLUMNS if c in frame.columns), None)
    shown = [c for c in frame.columns
             if c not in ("service", "service_id", "verified", source_column)]
    parts = []
    for service, part in frame.groupby("service", sort=True):
        children = [html.H3(service), table(part, k, f"Barriers and strategies: {service}",
                                            shown, name="strategies")]
        if source_column:
            sources = sorted({str(s) for s in part[source_column].dropna()})
            children.append(html.P(["Source: ", *[html.Cite(s) for s in sources]],
                                   className="source"))
        parts.append(html.Section(children, className="service-strategies"))
    return parts
