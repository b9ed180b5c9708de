"""The dashboards' pages: each module has TITLE, layout() and register_callbacks(app)."""

from dashboards.pages import overview, readiness, responsiveness, strategies, themes

# path under /dash/ → page module, in navigation order
PAGES = {"": overview, "themes": themes, "readiness": readiness, "strategies": strategies,
         "responsiveness": responsiveness}
