"""Checks on raw request bodies before any form parsing sees them."""

from urllib.parse import parse_qsl

from flask import Flask, abort, current_app, g, request


def accepts_undecodable(view):
    """Mark a view that shows undecodable text as a form error instead of a bare 400."""
    view.accepts_undecodable = True
    return view


def form_refuses_nul(view):
    """Mark a view whose TextForm refuses NUL itself, showing the text again without it."""
    view.form_refuses_nul = True
    return view


def accepts_upload(view):
    """Mark a view that takes a file upload, the one place multipart is allowed."""
    view.accepts_upload = True
    return view


def register_guards(app: Flask) -> None:
    """Register the guards; they must run before CSRFProtect parses the form."""
    app.before_request(refuse_odd_requests)
    app.before_request(refuse_invalid_utf8)


def refuse_odd_requests() -> None:
    """Refuse what no page of ours sends: NUL in the URL, forms as multipart."""
    if "\x00" in request.path or b"%00" in request.query_string:
        abort(404)
    if request.method == "POST" and request.mimetype == "multipart/form-data":
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, "accepts_upload", False):
            return  # a file field; its text fields are only the CSRF token
        # Our forms are url-encoded; multipart would bypass the UTF-8 check below.
        abort(415, description="Forms are sent url-encoded; this one came as multipart.")


def refuse_invalid_utf8() -> None:
    """Flag or refuse a form body that is not valid UTF-8.

    Werkzeug replaces undecodable bytes with U+FFFD silently; we want the person told.
    """
    g.undecodable_form = False
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return
    body = request.get_data(cache=True, parse_form_data=False)
    view = current_app.view_functions.get(request.endpoint or "")
    try:
        # Raw bytes first (a browser escapes them, but a client need not), then the escapes.
        fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8",
                           errors="strict")
    except UnicodeDecodeError:
        if not getattr(view, "accepts_undecodable", False):
            abort(400, description="The request contained bytes that are not valid UTF-8 text.")
        g.undecodable_form = True
        return
    # No text of ours holds NUL, and PostgreSQL refuses it; survey forms and text forms say
    # which field, keeping the text; other views have no text to lose.
    if not getattr(view, "accepts_undecodable", False) \
            and not getattr(view, "form_refuses_nul", False) \
            and any("\x00" in name or "\x00" in value for name, value in fields):
        abort(400, description="The request contained a NUL character, which no text may hold.")
