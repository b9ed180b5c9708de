"""The dashboards' layout and callbacks (the overview page for now)."""

from dash import Dash, Input, Output, dcc, html
from flask_login import current_user

from dashboards.figures import responses_over_time
from portal.domain.analytics import responses_per_month
from portal.domain.scoping import visible_services
from portal.extensions import db
from portal.models import Service


def serve():
    """Build the layout per request, so the service list is the signed-in user's."""
    if not current_user.is_authenticated:
        return html.Div("Please sign in.")
    services = db.session.scalars(visible_services(current_user)).all()
    options = [{"label": s.name, "value": s.id} for s in services]
    return html.Div(className="dash-page", children=[
        html.Header([html.A("← Portal", href="/home"), html.H1("Overview")]),
        html.Label("Service", htmlFor="service"),
        dcc.Dropdown(id="service", options=options, placeholder="All services you can see",
                     clearable=True),
        dcc.Graph(id="responses-by-month", config={"displaylogo": False}),
    ])


def register_callbacks(app: Dash) -> None:
    """Attach this page's callbacks to one Dash app."""

    @app.callback(Output("responses-by-month", "figure"), Input("service", "value"))
    def update_responses(service_id):
        """One scoped GROUP BY query, one pure figure function."""
        return responses_over_time(
            responses_per_month(db.session, current_user, _selected(service_id)))


def _selected(value) -> list[int] | None:
    """None (all services the user sees) for no choice; else the chosen id, if it is visible."""
    if value is None:
        return None
    visible = set(db.session.scalars(visible_services(current_user)
                                     .with_only_columns(Service.id)))
    return [value] if isinstance(value, int) and value in visible else []
