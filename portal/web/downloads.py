"""File downloads: one place that names the file the browser saves."""

from flask import Response

from portal.domain.bidi import clean_filename


def attachment(content: str | bytes, mimetype: str, filename: str) -> Response:
    """A download whose file name carries no bidi or control characters, quotes or slashes."""
    name = clean_filename(filename)
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
