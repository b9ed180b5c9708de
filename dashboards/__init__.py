"""The Dash app, mounted on the portal's Flask server behind its login."""

from dash import Dash
from flask import Flask, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from dashboards import layout

PREFIX = "/dash/"


def init_dashboards(server: Flask) -> Dash:
    """Build a Dash app for this server; callbacks are registered on this app only."""
    app = Dash(__name__, server=server, url_base_pathname=PREFIX, title="Uptake dashboards",
               suppress_callback_exceptions=True, serve_locally=True,
               assets_folder="assets")
    app.layout = layout.serve
    layout.register_callbacks(app)
    _protect(server)
    return app


def _protect(server: Flask) -> None:
    """Require sign-in for every Dash route and hand Dash's renderer a CSRF token."""

    @server.before_request
    def dash_requires_login():
        """Send anonymous visitors of the dashboards to sign in."""
        if request.path.startswith(PREFIX) and not current_user.is_authenticated:
            if request.method == "GET" and not request.path.startswith(PREFIX + "_"):
                return redirect(url_for("auth.login", next=request.path))
            return {"error": "sign in first"}, 401
        return None

    @server.after_request
    def dash_csrf_cookie(response):
        """Dash's renderer sends the _csrf_token cookie back as X-CSRFToken on callbacks."""
        if request.path.startswith(PREFIX) and current_user.is_authenticated \
                and request.method == "GET":
            response.set_cookie("_csrf_token", generate_csrf(), samesite="Strict",
                                secure=server.config["SESSION_COOKIE_SECURE"], httponly=False,
                                path=PREFIX)
        return response
