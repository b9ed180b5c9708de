"""A deliberately broken entry for the chaos test: it acknowledges a submission, then stores it.

Never served by the product; it exists so that the chaos checker is seen to fail.
"""

import io
import threading
import time

from portal import create_app

portal = create_app()
DELAY_SECONDS = 1.0


def app(environ, start_response):
    """Answer a survey POST with the confirmation redirect at once; run the real request later."""
    if environ["REQUEST_METHOD"] != "POST" or not environ.get("PATH_INFO", "").startswith("/i/"):
        return portal(environ, start_response)
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    later = {**environ, "wsgi.input": io.BytesIO(body)}
    threading.Thread(target=_store_later, args=(later,), daemon=True).start()
    start_response("302 FOUND", [("Location", "/thanks/ACKD-BFRE-CMMT"),
                                 ("Content-Length", "0")])
    return [b""]


def _store_later(environ) -> None:
    """Run the portal's own handling of the request after the client has its answer."""
    time.sleep(DELAY_SECONDS)
    result = portal(environ, lambda status, headers, exc_info=None: None)
    try:
        for _chunk in result:
            pass
    finally:
        getattr(result, "close", lambda: None)()


app.app_context = portal.app_context  # gunicorn.conf.py warms the engine up through it
