"""Themes: which barriers and facilitators dominate, for whom, over time, and the quotes
behind every number (click a cell, bar or point)."""

import calendar
from datetime import date

from dash import Dash, Input, Output, ctx, html
from flask_login import current_user

from dashboards import data
from dashboards.exports import fewer_than
from dashboards.figures.themes import (
    cooccurrence_heatmap,
    polarity_bars,
    structure_sunburst,
    suppressed_note,
    theme_group_heatmap,
    trend_lines,
)
from dashboards.filters import current
from dashboards.pages.responsiveness import training
from dashboards.pages.widgets import chart, register_chart
from portal.domain.bidi import isolate
from portal.domain.dashboard_filters import Filters, codebook_version
from portal.extensions import db
from portal.models.instruments import GROUP_LABELS

TITLE = "Themes"
GRAPHS = ("theme_by_group", "polarity_by_theme", "theme_trend", "cooccurrence",
          "structure_counts")


def layout() -> list:
    """The page's skeleton; callbacks fill it."""
    return [
        html.H2(TITLE),
        html.P(id="themes-note", className="chart-note"),
        html.Div(className="themes-grid", children=[
            html.Div(className="themes-charts", children=[
                chart("theme_by_group", "Click a cell for the quotes behind it."),
                chart("polarity_by_theme", "Click a bar for the quotes behind it."),
                chart("theme_trend", "Click a point for that month's quotes."),
                chart("cooccurrence", "Click a cell for answers that carry both themes."),
                chart("structure_counts", "For codebooks with levels (patients' codebooks): "
                                          "dimensions and their themes; click a theme."),
                html.Section(className="chart", children=[
                    html.H3("Did training-need mentions fall after training?"),
                    html.Div(id="themes-training")]),
            ]),
            html.Aside(id="quotes", className="quotes", **{"aria-live": "polite"}, children=[
                html.H3("Quotes"), html.P("Click a cell, bar or point to read the quotes "
                                          "behind it.")]),
        ]),
    ]


def theme_labels(filters: Filters) -> dict[str, str]:
    """Theme (and node) id → label in the codebook version the filters name."""
    version = codebook_version(db.session, filters)
    if version is None:
        return {}
    entries = version.definition.get("themes", []) + version.definition.get("nodes", [])
    return {entry["id"]: entry.get("label", entry["id"]) for entry in entries}


def register_callbacks(app: Dash) -> None:
    """The themes page's callbacks."""
    register_chart(app, "theme_by_group", lambda f, k, _: theme_group_heatmap(f, k))
    register_chart(app, "polarity_by_theme", lambda f, k, _: polarity_bars(f, k))
    register_chart(app, "theme_trend", lambda f, k, _: trend_lines(f, k))
    register_chart(app, "cooccurrence",
                   lambda f, k, filters: cooccurrence_heatmap(f, k, theme_labels(filters)))
    register_chart(app, "structure_counts", lambda f, k, _: structure_sunburst(f, k))

    @app.callback(Output("themes-training", "children"), Input("url", "search"))
    def update_training(_search):
        """Delivered training beside the training-need mentions before and after it."""
        return training()

    @app.callback(Output("themes-note", "children"), Input("url", "search"))
    def update_note(search):
        """Say how small cells are handled for this view."""
        return suppressed_note(data.k_for_view(current(search)))

    @app.callback(Output("quotes", "children"),
                  *[Input(f"g-{name}", "clickData") for name in GRAPHS],
                  Input("url", "search"), prevent_initial_call=True)
    def show_quotes(*args):
        """The quotes behind the clicked mark, scoped and suppressed like the numbers."""
        search = args[-1]
        if ctx.triggered_id == "url" or not isinstance(ctx.triggered_id, str):
            return quotes_intro()
        click = args[GRAPHS.index(ctx.triggered_id.removeprefix("g-"))]
        filters = current(search)
        return quotes_panel(ctx.triggered_id.removeprefix("g-"), click, filters)


MASKING_NOTE = ("Personal details in quotes are masked. Masking reduces risk; it does not "
                "make text anonymous.")


def quotes_intro() -> list:
    """The panel before any click."""
    return [html.H3("Quotes"),
            html.P("Click a cell, bar or point to read the quotes behind it.")]


def selection(graph: str, click: dict | None) -> dict | None:
    """What a click asks for: theme, and group, polarity, month or co-theme, from customdata."""
    try:
        custom = next((point["customdata"] for point in click["points"]
                       if point.get("customdata") is not None), None)
    except (TypeError, KeyError, AttributeError):
        return None
    if not isinstance(custom, str) or custom.count("|") != 1:
        return None
    first, second = custom.split("|")
    if graph == "theme_by_group":
        return {"theme": first, "group": second}
    if graph == "polarity_by_theme":
        return {"theme": first, "polarity": second}
    if graph == "theme_trend":
        return {"theme": first, "month": second}
    if graph == "cooccurrence":
        return {"theme": first, "with": second}
    return {"theme": first} if second == "theme" else None


def month_filters(filters: Filters, month: str) -> Filters:
    """The filters narrowed to one YYYY-MM month."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start, end = date(year, number, 1), date(year, number,
                                                 calendar.monthrange(year, number)[1])
    except (ValueError, AttributeError):
        return filters
    return filters.with_(start=max(start, filters.start or start),
                         end=min(end, filters.end or end))


def quotes_panel(graph: str, click: dict | None, filters: Filters) -> list:
    """Fetch and render the quotes for a click."""
    chosen = selection(graph, click)
    if chosen is None:
        return [html.H3("Quotes"), html.P("Choose a theme (not a dimension) to see quotes.")]
    if "month" in chosen:
        filters = month_filters(filters, chosen["month"])
    try:
        found = data.quotes(current_user, filters, chosen["theme"], group=chosen.get("group"),
                            polarity=chosen.get("polarity"), with_theme=chosen.get("with"))
    except data.NotReady as error:
        return [html.H3("Quotes"), html.P(f"Not available yet ({error}).")]
    labels = theme_labels(filters)
    heading = labels.get(chosen["theme"], chosen["theme"])
    if chosen.get("with"):
        heading += " with " + labels.get(chosen["with"], chosen["with"])
    if chosen.get("group"):
        heading += f" · {GROUP_LABELS.get(chosen['group'], chosen['group'])}"
    if chosen.get("polarity"):
        heading += f" · {chosen['polarity']}s"
    if chosen.get("month"):
        heading += f" · {chosen['month']}"
    if not found:
        k = data.k_for_view(filters)
        return [html.H3(f"Quotes: {heading}"),
                html.P(f"No quotes to show: none match, or they come from {fewer_than(k)} "
                       "respondents.")]
    return [html.H3(f"Quotes: {heading}"),
            html.P(MASKING_NOTE, className="hint"),
            html.Ul(className="quote-list", children=[quote_item(q, labels) for q in found])]


def quote_item(quote, labels: dict[str, str]) -> html.Li:
    """One quote with where it comes from and its tags, each marked machine or person."""
    tags = [html.Li(className=f"tag tag-{polarity or 'none'}", children=[
        isolate(labels.get(theme, theme)) + (f" ({polarity})" if polarity else "") + " ",
        html.Span("machine" if machine else "person",
                  className="badge-machine" if machine else "badge-person",
                  title="Tagged by the engine" if machine else "Tagged by a person")])
        for theme, polarity, machine in quote.tags]
    where = " · ".join(isolate(str(part)) for part in (GROUP_LABELS.get(quote.group, quote.group),
                                              quote.service_name, quote.month) if part)
    return html.Li(className="quote", children=[
        html.Blockquote(isolate(quote.text)), html.P(where, className="quote-source"),
        html.Ul(tags, className="tag-list", **{"aria-label": "Tags"})])
