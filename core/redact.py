"""Keeping searches and private links out of the logs the project configures.

Searches over people (names, AMKA, phones) may travel in query strings, and private links carry
their secret in the path (an event registration's page, a sign-in link, a calendar feed). Django's
request and development-server logs and gunicorn's access log (gunicorn.conf.py) pass through
`mask`: the query string becomes "?…" and any path segment that looks like a secret (16 or more
URL-safe characters mixing capitals with small letters, or letters with digits) becomes "…";
ordinary slugs ("approve-hours") stay.
"""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")
_CHARS = r"[A-Za-z0-9_\-:.]"
_SECRET = re.compile(
    rf"(?<=/)(?:(?={_CHARS}*[A-Z])(?={_CHARS}*[a-z])|(?={_CHARS}*[A-Za-z])(?={_CHARS}*[0-9])){_CHARS}{{16,}}")


def mask(text: str) -> str:
    return _SECRET.sub("…", _QUERY.sub("?…", text))


class MaskUrls(logging.Filter):
    """A logging filter: the record's message with query strings and secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
