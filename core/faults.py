"""Database faults that pass: the server restarts, a connection drops, a statement times out.

Such a request did nothing (its transaction was rolled back) and may be sent again: the API answers
503 with Retry-After, the pages a "try again shortly" page. Everything else is a bug (500).
"""

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError

# SQLSTATE classes and codes of PostgreSQL errors that say "not now" rather than "wrong":
# 08 connection exception, 40 transaction rollback (serialization, deadlock), 53 insufficient
# resources, 57 operator intervention (57014 statement timeout, 57P01-03 shutdown / cannot connect
# now), 55P03 lock not available (lock_timeout), 58 system error.
_TRANSIENT_CLASSES = ("08", "40", "53", "57", "58")
_TRANSIENT_CODES = ("55P03",)


def _sqlstate(exc) -> str | None:
    cause = exc.__cause__ or exc.__context__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def is_transient(exc: BaseException | None) -> bool:
    """Whether `exc` is a database fault worth retrying (see the module docstring)."""
    if not isinstance(exc, DatabaseError):
        return False
    if isinstance(exc, InterfaceError):  # the connection is gone
        return True
    if not isinstance(exc, OperationalError):
        return False
    state = _sqlstate(exc)
    if state is None:
        # No SQLSTATE: the server could not be reached at all, or SQLite's "database is locked".
        text = str(exc).lower()
        return "no such" not in text and "syntax" not in text
    return state[:2] in _TRANSIENT_CLASSES or state in _TRANSIENT_CODES


def retry_after_seconds() -> int:
    return settings.DATABASE_RETRY_AFTER_SECONDS
