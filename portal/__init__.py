"""Uptake: collect, code and act on feedback about implementing iCBT."""

from pathlib import Path

from flask import Flask

from portal import config
from portal.extensions import csrf, db, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the portal with its blueprints and the dashboards on the same server."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.from_environment(Path(app.instance_path), test_config))
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_text_display(app)
    register_errorhandlers(app)
    register_commands(app)
    dash_app = register_dashboards(app)
    register_security_headers(app, dash_app)
    register_proxy(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons; the text guard runs before CSRF reads the form."""
    from portal import models  # noqa: F401  (tables must be known before migrate binds)
    from portal.database import configure_engine
    from portal.web.auth import sessions
    from portal.web.guards import register_guards

    register_guards(app)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.session_protection = "strong"

    login_manager.user_loader(sessions.load_user)
    sessions.register(app)


def register_logging(app: Flask) -> None:
    """Redact invitation tokens from everything the app logs."""
    from portal.log_redaction import RedactTokens

    app.logger.addFilter(RedactTokens())


def register_blueprints(app: Flask) -> None:
    """Attach one blueprint per area of the portal."""
    from portal.web.converters import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter
    from portal.web.audit.routes import bp as audit
    from portal.web.auth.routes import bp as auth
    from portal.web.codebooks.routes import bp as codebooks
    from portal.web.coding.routes import bp as coding
    from portal.web.collect.routes import bp as collect
    from portal.web.data.routes import bp as data
    from portal.web.links.routes import bp as links
    from portal.web.main.routes import bp as main
    from portal.web.people.routes import bp as people
    from portal.web.reports.routes import bp as reports
    from portal.web.requests.routes import bp as requests
    from portal.web.safety.routes import bp as safety

    for blueprint in (main, auth, collect, links, coding, codebooks, reports,
                      requests, safety, data, audit, people):
        app.register_blueprint(blueprint)


def register_text_display(app: Flask) -> None:
    """Isolate bidi controls in every string a template prints (Markup is the app's own).

    Text a form sends back (hidden inputs) is printed with |e, which is Markup, so it
    round-trips byte for byte.
    """
    from markupsafe import Markup

    from portal.domain.bidi import isolate

    app.jinja_env.finalize = lambda value: isolate(value) \
        if isinstance(value, str) and not isinstance(value, Markup) else value


def register_errorhandlers(app: Flask) -> None:
    """Answer errors with readable pages."""
    from portal.web.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """Add the flask CLI commands."""
    from portal.cli import register

    register(app)


def register_dashboards(app: Flask):
    """Mount the Dash app on this Flask server, behind the login."""
    from dashboards import init_dashboards

    return init_dashboards(app)


def register_security_headers(app: Flask, dash_app) -> None:
    """Send CSP and the other security headers on every response, the dashboards' too."""
    from portal.web.headers import register

    register(app, dash_app)


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-For/-Proto from the configured number of proxies, and no more."""
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
