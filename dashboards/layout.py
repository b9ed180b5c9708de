"""The dashboards' shell: navigation, the filter bar in the URL, the page router, CSV export."""

import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from flask_login import current_user

from dashboards import data, filters
from dashboards.exports import STAFF_ONLY, SUPPRESSIBLE, filename, to_csv
from dashboards.pages import PAGES

PREFIX = "/dash/"


def serve():
    """Build the layout per request, so the filter bar offers the signed-in user's services."""
    if not current_user.is_authenticated:
        return html.Div("Please sign in.")
    return html.Div(className="dash-page", children=[
        dcc.Location(id="url", refresh="callback-nav"),
        dcc.Download(id="download"),
        html.Header(className="dash-header", children=[
            html.A("← Portal", href="/home"),
            html.H1("Uptake dashboards"),
            html.Nav(id="dash-nav", **{"aria-label": "Dashboards"}, children=[
                dcc.Link(page.TITLE, href=PREFIX + path, id=f"nav-{path or 'overview'}")
                for path, page in PAGES.items()]),
        ]),
        filters.bar(current_user),
        html.Main(id="page", className="dash-content", children=[]),
    ])


def page_for(pathname: str | None):
    """The page module a path names (unknown paths: None)."""
    path = (pathname or PREFIX).removeprefix(PREFIX.rstrip("/")).strip("/")
    return PAGES.get(path)


def register_callbacks(app: Dash) -> None:
    """Attach every page's callbacks to one Dash app (never globally)."""
    filters.register_callbacks(app)
    for page in PAGES.values():
        page.register_callbacks(app)

    nav_ids = [f"nav-{path or 'overview'}" for path in PAGES]

    @app.callback(Output("page", "children"),
                  *[Output(i, "className") for i in nav_ids],
                  *[Output(i, "href") for i in nav_ids],
                  Input("url", "pathname"), Input("url", "search"))
    def route(pathname, search):
        """Show the page the path names; keep the filters on every navigation link."""
        page = page_for(pathname)
        hrefs = [PREFIX + path + (search or "") for path in PAGES]
        classes = ["current" if page is p else "" for p in PAGES.values()]
        if ctx.triggered_id == "url" and "url.pathname" not in ctx.triggered_prop_ids:
            return no_update, *classes, *hrefs  # only the filters changed
        if page is None:
            return html.P("No such dashboard."), *classes, *hrefs
        return page.layout(), *classes, *hrefs

    @app.callback(Output("download", "data"),
                  Input({"type": "csv", "chart": ALL}, "n_clicks"), State("url", "search"),
                  prevent_initial_call=True)
    def export_csv(clicks, search):
        """The clicked chart's data as CSV: scoped, suppressed cells spelled out, defused."""
        if not isinstance(ctx.triggered_id, dict) or not any(clicks or []):
            return no_update
        name = ctx.triggered_id.get("chart")
        if name not in data.SOURCES or not ctx.triggered[0].get("value"):
            return no_update
        view = filters.current(search)
        try:
            frame = data.get(name, current_user, view)
        except data.NotReady:
            return no_update
        if not isinstance(frame, pd.DataFrame):
            return no_update
        k = data.k_for_view(view, staff_only=name in STAFF_ONLY)
        content = to_csv(frame, SUPPRESSIBLE.get(name, []), k)
        return dcc.send_string(content, filename(name), type="text/csv")
