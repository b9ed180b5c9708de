"""Security headers and the Content-Security-Policy, set by Flask-Talisman on every response."""

from dash import Dash
from flask import Flask
from flask_talisman import Talisman

SELF = "'self'"


def policy(dash_app: Dash) -> dict[str, str | list[str]]:
    """The CSP: our own origin only, no inline script but Dash's own (by hash) and ours (nonce).

    style-src keeps 'unsafe-inline': Plotly and Dash's components write style elements and
    attributes as they draw, and the readiness report positions its bars with style
    attributes. Styles cannot run code; scripts, which can, stay strict (no 'unsafe-eval').
    """
    return {
        "default-src": SELF,
        "script-src": [SELF, *dash_app.csp_hashes()],
        "style-src": [SELF, "'unsafe-inline'"],
        # Plotly's "download as PNG" draws through data: and blob: images.
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": SELF,
        "object-src": "'none'",
        "base-uri": SELF,
        "form-action": SELF,
        "frame-ancestors": "'none'",
    }


# Nothing here needs a camera, a microphone, a location or payments.
PERMISSIONS = {feature: "()" for feature in (
    "camera", "microphone", "geolocation", "payment", "usb", "browsing-topics")}


def register(app: Flask, dash_app: Dash) -> Talisman:
    """Give the app its own Talisman; HTTPS redirects and HSTS only when FORCE_HTTPS is set.

    One instance per app, not a module singleton: Talisman keeps its options on itself.
    """
    config = app.config
    talisman = Talisman(
        app,
        content_security_policy=policy(dash_app),
        content_security_policy_nonce_in=["script-src"],
        force_https=config["FORCE_HTTPS"],
        strict_transport_security=config["FORCE_HTTPS"],
        frame_options="DENY",
        referrer_policy="same-origin",  # invitation links carry tokens: never send them away
        permissions_policy=PERMISSIONS,
        feature_policy={},
        session_cookie_secure=config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite=config["SESSION_COOKIE_SAMESITE"],
    )
    app.extensions["talisman"] = talisman
    return talisman
