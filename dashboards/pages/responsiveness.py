"""Vendor responsiveness: time to first response and to resolution, SLA breaches, the backlog
over time and training delivered, scoped to the user (leads all, a manager their service, a
vendor their products)."""

from urllib.parse import parse_qs

from dash import Dash, Input, Output, dcc, html
from flask import abort, current_app
from flask_login import current_user

from dashboards.figures.common import graph_config
from dashboards.figures.responsiveness import backlog_figure
from dashboards.filters import current
from dashboards.pages.widgets import table
from portal.domain.bidi import isolate
from portal.domain.deidentify import deidentify
from portal.domain.request_status import STATUSES
from portal.domain.requests import find_request
from portal.domain.sla import clocks
from portal.domain.training_plan import mentions_around, plan
from portal.domain.vendor_stats import backlog, breaches, responsiveness
from portal.extensions import db
from portal.models import utcnow

TITLE = "Responsiveness"
SHOWN = ["label", "requests", "open", "first_response_hours", "resolution_hours",
         "first_response_breaches", "resolution_breaches"]


def layout() -> list:
    """The page's skeleton; one callback fills it."""
    return [
        html.H2(TITLE),
        html.P("How quickly suppliers answer and resolve the requests in this view: mean hours "
               "from filing to the first response and to resolution, and how many missed their "
               "service level. Counted in the database for the filters above (services and "
               "dates of filing).", className="chart-note"),
        html.Div(id="responsiveness-body"),
    ]


def register_callbacks(app: Dash) -> None:
    """The responsiveness page's callback."""

    @app.callback(Output("responsiveness-body", "children"), Input("url", "search"))
    def update_responsiveness(search):
        """Tables per vendor, product and service, breaches, the backlog and training."""
        return body(search)


def body(search: str | None) -> list:
    """The page's content for a URL query; ?request=N adds that request's clocks."""
    filters = current(search)
    session, config = db.session, current_app.config
    parts = [focus(search)] if "request=" in (search or "") else []
    for dimension, title in (("vendor", "Per vendor"), ("product", "Per product"),
                             ("service", "Per service")):
        frame = responsiveness(session, current_user, filters, dimension, config=config)
        parts += [html.H3(title), table(frame, 1, f"Responsiveness {title.lower()}", SHOWN)]
    parts += [html.H3("Service-level breaches by priority"),
              table(breaches(session, current_user, filters, config=config), 1,
                    "Requests and breaches per priority")]
    parts += [html.H3("Backlog over time"),
              dcc.Graph(id="g-backlog", figure=backlog_figure(
                  backlog(session, current_user, filters)), config=graph_config("backlog"))]
    parts += [html.H3("Training delivered and training-need mentions"), training()]
    return parts


def focus(search: str) -> html.Section:
    """One request's clocks; another vendor's or service's request is a 404."""
    raw = parse_qs((search or "").lstrip("?")).get("request", [""])[0]
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    item = find_request(db.session, current_user, int(raw))
    if item is None:
        abort(404)
    first, resolve = clocks(item, utcnow(), current_app.config["REQUEST_SLA_HOURS"])
    return html.Section(className="request-focus", children=[
        html.H3(f"Request #{item.id}: {isolate(deidentify(item.title))}"),
        html.P(f"{STATUSES[item.status]} · first response {first.text} · resolution "
               f"{resolve.text}")])


def training() -> html.Table | html.P:
    """Delivered plan items with training_needs mentions in the 90 days before and after."""
    rows = []
    for line in plan(db.session, current_user):
        effect = mentions_around(db.session, line.item, config=current_app.config)
        if effect is not None:
            shown = [str(effect[p]) if effect[p] is not None else f"fewer than {effect['k']}"
                     for p in ("before", "after")]
            rows.append(html.Tr([html.Td(isolate(line.item.service.name)),
                                 html.Td(isolate(line.item.topic)),
                                 html.Td(str(line.item.delivered_on)),
                                 *[html.Td(text) for text in shown]]))
    if not rows:
        return html.P("No training delivered in this view yet.")
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in (
        "Service", "Training", "Delivered", "Mentions 90 days before", "Mentions 90 days after")]))
    return html.Table([html.Caption("Training-need mentions around delivery"), head,
                       html.Tbody(rows)], className="data-table")
