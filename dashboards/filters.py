"""The filter bar and the URL query kept in step, so every view can be shared and bookmarked.

The URL is the truth: pages read `Filters.from_query(search)`. The bar only offers what the
user may see; a service id in a shared URL that the user may not see is kept in the query
(the SQL scope makes it match nothing) but never offered or named.
"""

from datetime import date
from urllib.parse import parse_qsl, urlencode

from dash import Dash, Input, Output, ctx, dcc, html, no_update
from flask_login import current_user
from sqlalchemy import select

from portal.domain.dashboard_filters import DEFAULT_CODEBOOK, Filters
from portal.domain.differencing import narrowed
from portal.domain.scoping import service_condition, visible_services
from portal.extensions import db
from portal.models import Codebook, CodebookVersion, Service, ServiceProgramme, User
from portal.models.instruments import GROUP_LABELS, STAKEHOLDER_GROUPS

CONTROLS = ("f-service", "f-group", "f-programme", "f-codebook", "f-version")


def current(search: str | None) -> Filters:
    """The filters a URL query names.

    Non-ASCII digits ("²" passes str.isdigit but not int()) are dropped first, so a crafted
    link is ignored rather than an error (Filters.from_query itself trips over them).
    """
    pairs = [(key, value) for key, value in parse_qsl((search or "").lstrip("?"))
             if not (key in ("service", "version") and not (value.isascii() and value.isdigit()))]
    return Filters.from_query(urlencode(pairs))


def visible_service_ids(user: User) -> set[int]:
    """Ids of the services the user may see."""
    return set(db.session.scalars(select(Service.id).where(service_condition(user))))


def _service_options(user: User) -> list[dict]:
    """The user's services, by name."""
    return [{"label": s.name, "value": s.id}
            for s in db.session.scalars(visible_services(user))]


def _programme_options(user: User) -> list[dict]:
    """Programmes offered by the services the user may see."""
    codes = db.session.scalars(select(ServiceProgramme.code).distinct()
                               .where(service_condition(user, ServiceProgramme.service_id))
                               .order_by(ServiceProgramme.code))
    return [{"label": code.replace("_", " ").capitalize(), "value": code} for code in codes]


def _codebook_options() -> list[dict]:
    """Every codebook (their definitions are not service data)."""
    return [{"label": c.title, "value": c.key}
            for c in db.session.scalars(select(Codebook).order_by(Codebook.title))]


def version_options(codebook: str | None) -> list[dict]:
    """The versions of one codebook, newest first."""
    query = (select(CodebookVersion.number).join(Codebook)
             .where(Codebook.key == (codebook or DEFAULT_CODEBOOK))
             .order_by(CodebookVersion.number.desc()))
    numbers = list(db.session.scalars(query))
    return [{"label": f"Version {n}" + (" (current)" if i == 0 else ""), "value": n}
            for i, n in enumerate(numbers)]


def _field(label: str, control, control_id: str) -> html.Div:
    """A labelled control."""
    return html.Div(className="filter", children=[html.Label(label, htmlFor=control_id),
                                                 control])


def bar(user: User) -> html.Section:
    """The filter bar, offering only what this user may see."""
    group_options = [{"label": GROUP_LABELS[g], "value": g} for g in STAKEHOLDER_GROUPS]
    return html.Section(className="filter-bar", **{"aria-label": "Filters"}, children=[
        _field("Service", dcc.Dropdown(id="f-service", options=_service_options(user),
                                       multi=True, placeholder="All services you can see"),
               "f-service"),
        _field("Stakeholder group", dcc.Dropdown(id="f-group", options=group_options,
                                                 multi=True, placeholder="All groups"),
               "f-group"),
        _field("Programme", dcc.Dropdown(id="f-programme", options=_programme_options(user),
                                         multi=True, placeholder="All programmes"),
               "f-programme"),
        _field("Period (whole months)",
               dcc.DatePickerRange(id="f-period", display_format="MMM YYYY", clearable=True,
                                   start_date_placeholder_text="From",
                                   end_date_placeholder_text="To"), "f-period"),
        _field("Codebook", dcc.Dropdown(id="f-codebook", options=_codebook_options(),
                                        value=DEFAULT_CODEBOOK, clearable=False), "f-codebook"),
        _field("Codebook version", dcc.Dropdown(id="f-version", placeholder="Current version",
                                                clearable=True), "f-version"),
        html.P(id="f-notice", className="filter-notice", role="status"),
    ])


def from_controls(services, groups, programmes, start, end, codebook, version) -> Filters:
    """Filters from the bar's values (built through the query parser, which validates)."""
    pairs = [("service", s) for s in services or []] + [("group", g) for g in groups or []]
    pairs += [("programme", p) for p in programmes or []]
    pairs += [("from", str(start)[:10])] if start else []
    pairs += [("to", str(end)[:10])] if end else []
    pairs += [("codebook", codebook)] if codebook else []
    pairs += [("version", version)] if version is not None else []
    return Filters.from_query(urlencode(pairs))


def controls_for(filters: Filters, visible: set[int]) -> tuple:
    """The bar's values for these filters; services the user may not see are left out."""
    return ([s for s in filters.services if s in visible], list(filters.groups),
            list(filters.programmes), _iso(filters.start), _iso(filters.end), filters.codebook,
            filters.version)


def _iso(day: date | None) -> str | None:
    """An ISO date or None."""
    return day.isoformat() if day else None


def register_callbacks(app: Dash) -> None:
    """Keep the bar and the URL query in step (one callback, both directions)."""

    @app.callback(
        Output("url", "search"), Output("f-service", "value"), Output("f-group", "value"),
        Output("f-programme", "value"), Output("f-period", "start_date"),
        Output("f-period", "end_date"), Output("f-codebook", "value"),
        Output("f-version", "value"), Output("f-version", "options"),
        Output("f-notice", "children"),
        Input("url", "search"), Input("f-service", "value"), Input("f-group", "value"),
        Input("f-programme", "value"), Input("f-period", "start_date"),
        Input("f-period", "end_date"), Input("f-codebook", "value"),
        Input("f-version", "value"))
    def sync(search, services, groups, programmes, start, end, codebook, version):
        """URL → bar on load or navigation; bar → URL when someone changes a filter."""
        visible = visible_service_ids(current_user)
        if ctx.triggered_id in (None, "url"):
            filters = current(search)
            hidden = any(s not in visible for s in filters.services)
            notice = ("This link names a service you cannot see; nothing of it is shown."
                      if hidden else narrowing_notice(filters))
            return (no_update, *controls_for(filters, visible),
                    version_options(filters.codebook), notice)
        if ctx.triggered_id == "f-codebook":
            version = None  # a version number belongs to one codebook
        filters = from_controls(services, groups, programmes, start, end, codebook, version)
        query = filters.to_query()
        return ("?" + query if query else "", *controls_for(filters, visible),
                version_options(filters.codebook), narrowing_notice(filters))


def narrowing_notice(filters: Filters) -> str:
    """Why a filtered view may hide more than the whole one (portal.domain.differencing)."""
    if not narrowed(filters):
        return ""
    return ("Filtered views also hide any number that, set against a wider view, would "
            "reveal a group of fewer than k people (for example one month, or one group, "
            "on its own). Clear a filter to see more.")
