"""Keep invitation tokens out of log lines (Flask logs the path of a failing request)."""

import logging
import re

TOKEN_PATH = re.compile(r"/i/[^/\s\[\]?]+")


def redact(text: str) -> str:
    """Replace invitation tokens in a text with a placeholder."""
    return TOKEN_PATH.sub("/i/<token>", text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts tokens from the formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drop it."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
