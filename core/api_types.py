"""Strict types for API parameters and fields: what the OpenAPI document says is what is accepted.

Pydantic alone takes `0.5` for a date-time (seconds since 1970) and a date-time without an offset;
the document says `format: date` / `format: date-time` (RFC 3339), so these accept exactly that.
A date-time at the edges (year 1 or 9999 with an unusual offset) is clamped to the range the
database and Python can compare, instead of overflowing into a server error. Identifiers and
counts are bounded to what the database stores (64-bit).
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from .validators import has_control_characters

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")
_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)

BIGINT_MAX = 2**63 - 1


def _rfc3339_date(value):
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    return date.fromisoformat(value)


def _rfc3339_date_time(value):
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        raise ValueError("a date-time as in RFC 3339, with its offset (e.g. 2026-12-04T09:00:00+02:00)")
    parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # e.g. year 1 at +14:00 or year 9999 at -12:00: before / after what can be stored
        return _EARLIEST if parsed.year == 1 else _LATEST


Date = Annotated[date, BeforeValidator(_rfc3339_date), WithJsonSchema({"type": "string", "format": "date"})]
DateTime = Annotated[datetime, BeforeValidator(_rfc3339_date_time),
                     WithJsonSchema({"type": "string", "format": "date-time"})]
def _integral(value):
    """JSON Schema's integer: 12 and 12.0 (no fractional part), never true/false or "12" in a body."""
    if isinstance(value, bool):
        raise ValueError("an integer, not true or false")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A record's id (path, query or body): positive and within a 64-bit integer.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX), BeforeValidator(_integral)]


class StrictSchema(Schema):
    """A JSON request body: each field has exactly its documented JSON type (no "5" for 5, no 0 for
    false), as the OpenAPI document says."""

    model_config = ConfigDict(strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value):
        # NUL, ESC and the like in any text of the body (tab and line breaks pass; a one-line field
        # refuses them with its own message): a NUL would reach PostgreSQL, which refuses it.
        if has_control_characters(value, multiline=True):
            raise PydanticCustomError("control_characters", "a text without control characters (NUL, ESC …)")
        return value
