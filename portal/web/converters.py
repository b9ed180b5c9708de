"""URL converters that refuse values the database cannot hold, so they are 404s, not 500s."""

from werkzeug.routing import IntegerConverter

BIGINT_MAX = 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """An <int:...> that only matches ids a 64-bit column can hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", BIGINT_MAX)
        super().__init__(url_map, *args, **kwargs)
