"""Building blocks every page uses: a chart with its CSV button and data table, and the
callback that fills both from one cached query and one pure figure function."""

from collections.abc import Callable

import pandas as pd
from dash import Dash, Input, Output, dcc, html
from flask_login import current_user

from dashboards import data
from dashboards.exports import SUPPRESSIBLE, cell, show_suppressed
from dashboards.figures.common import empty_figure, graph_config
from dashboards.figures.readiness import CONSTRUCT_LABELS
from dashboards.filters import current
from portal.domain.dashboard_filters import Filters

HEADERS = {"ci_low": "95% CI low", "ci_high": "95% CI high", "n": "n", "sd": "SD",
           "index_low": "Interval low", "index_high": "Interval high",
           "max_uses": "Allowed uses", "cfir_domain": "CFIR domain",
           "cfir_construct": "CFIR construct"}


def chart(name: str, description: str, height: int | None = None) -> html.Section:
    """A figure, a "Download CSV" button and a collapsible table of the same numbers."""
    style = {"height": f"{height}px"} if height else None
    return html.Section(className="chart", children=[
        dcc.Loading(dcc.Graph(id=f"g-{name}", config=graph_config(name), style=style,
                              figure=empty_figure("Loading…")), type="dot"),
        html.P(description, className="chart-note"),
        html.Div(className="chart-actions", children=[
            html.Button("Download CSV", id={"type": "csv", "chart": name}, n_clicks=0,
                        className="button-secondary",
                        **{"aria-label": f"Download the data of this chart ({name}) as CSV"}),
        ]),
        html.Details([html.Summary("The chart’s data as a table"),
                      html.Div(id=f"t-{name}")]),
    ])


def table(frame: pd.DataFrame, k: int, caption: str = "The chart’s data",
          columns: list[str] | None = None, name: str | None = None) -> html.Table | html.P:
    """An HTML table; suppressed numbers read "fewer than k", other gaps "–"; no ids."""
    if frame is None or len(frame) == 0:
        return html.P("Nothing to show for these filters.")
    frame = show_suppressed(frame, SUPPRESSIBLE.get(name, []), k)
    if "construct" in frame.columns:  # questionnaire constructs read as the chart's legend
        frame = frame.assign(construct=frame["construct"].map(
            lambda c: CONSTRUCT_LABELS.get(c, c)))
    columns = columns or [c for c in frame.columns
                          if not (c in ("id", "suppressed") or c.endswith("_id"))]
    head = html.Thead(html.Tr([html.Th(header(c), scope="col") for c in columns]))
    body = html.Tbody([html.Tr([html.Td(cell(row[c])) for c in columns])
                       for row in frame[columns].to_dict("records")])
    return html.Table([html.Caption(caption), head, body], className="data-table")


def header(column: str) -> str:
    """A column name as people read it."""
    return HEADERS.get(column, column.replace("_", " ").capitalize())


def not_ready(error: Exception) -> tuple:
    """What a chart shows while its domain module is missing."""
    return empty_figure("Not available yet"), html.P(f"Not available yet ({error}).")


def register_chart(app: Dash, name: str,
                   draw: Callable[[pd.DataFrame, int, Filters], object],
                   staff_only: bool = False,
                   prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> None:
    """One callback: the URL's filters → one scoped, cached query → figure and table."""

    @app.callback(Output(f"g-{name}", "figure"), Output(f"t-{name}", "children"),
                  Input("url", "search"))
    def update(search):
        """Draw this chart for the signed-in user and the URL's filters."""
        filters = current(search)
        try:
            frame = data.get(name, current_user, filters)
        except data.NotReady as error:
            return not_ready(error)
        k = data.k_for_view(filters, staff_only=staff_only)
        shown = prepare(frame) if prepare else frame
        return draw(shown, k, filters), table(shown, k, name=name)

    update.__name__ = f"update_{name}"
