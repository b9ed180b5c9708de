"""Security headers and the CSP on portal pages, the dashboards and errors."""

import base64
import hashlib
import re

import pytest

from tests.conftest import login

PATHS = ["/login", "/home", "/dash/", "/dash/themes", "/account/password", "/no-such-page"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_headers(client, world, path):
    """CSP without unsafe script sources, framing refused, sniffing off, referrers kept home."""
    login(client, "lead@x.test")
    headers = client.get(path).headers
    csp = {part.split(" ", 1)[0]: part.split(" ", 1)[1]
           for part in headers["Content-Security-Policy"].split("; ")}
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert "'nonce-" in csp["script-src"] and "'sha256-" in csp["script-src"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain http here


def test_the_nonce_is_on_our_inline_script_and_new_each_time(client, world):
    """The survey page's one inline script carries this response's nonce."""
    url = f"/i/{world.links['patient'].token}"
    nonces = []
    for page in (client.get(url), client.get(url)):
        assert page.status_code == 200
        nonce = page.headers["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
        assert f'<script nonce="{nonce}">' in page.get_data(as_text=True)
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_dash_inline_scripts_are_allowed_by_hash(client, world):
    """Every inline script of the Dash page has its hash in script-src."""
    login(client, "lead@x.test")
    page = client.get("/dash/")
    csp, html = page.headers["Content-Security-Policy"], page.get_data(as_text=True)
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # Dash's IE-only warning never runs
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                        html, re.S)
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
