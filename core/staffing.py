"""Staffing needs, told by the apps that know the work, for the volunteer planner, without importing it.

A distribution day knows how many households it expects and when; an event knows its registrations.
Neither may import volunteers, and volunteers may import only core (DESIGN.md). So core keeps a small
registry, like core.place_time: an app registers a provider in its ``AppConfig.ready()``; the planner
asks ``needs(start, end)`` and turns each need into a shift (volunteers.services.needs), which the
coordinator may then correct by hand. A provider is ``provider(start, end) -> iterable of Need``
(aware datetimes; the needs that start in [start, end)).

The rates are settings, so that the centre can change them without a release:
STAFFING_HOUSEHOLDS_PER_TABLE_HOUR (40), STAFFING_VOLUNTEERS_PER_TABLE (2; the minimum is one per
table), STAFFING_ROMANI_AT_BRANCH (True: at least one Romani speaker at a branch such as the Roma
branch), STAFFING_PEOPLE_PER_EVENT_HELPER (15), STAFFING_EVENT_BUFFER_MINUTES (30, to set up and
clear away).
"""

import math
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

_providers: dict = {}


@dataclass(frozen=True)
class Need:
    key: str  # stable and unique, e.g. "distribution.slot:12", so that a need updates its own shift
    location_id: int
    starts_at: datetime
    ends_at: datetime
    role: str  # a volunteers role code: "distribution", "event", ...
    minimum: int
    target: int
    languages: tuple = ()  # language codes: at least one speaker of each
    with_children: bool = False  # everyone needs the certificate for work with children
    source: str = ""  # what the need comes from, for people (e.g. "Distribution day 12/01/2027 · KEA")
    detail: str = ""  # how it was worked out (e.g. "120 households, 3 hours: 1 table")


def register(name: str, provider) -> None:
    """Register (or replace) the provider called `name`, e.g. "distribution.days"."""
    _providers[name] = provider


def needs(start: datetime, end: datetime) -> list[Need]:
    found = [need for provider in _providers.values() for need in provider(start, end)]
    return sorted(found, key=lambda n: (n.starts_at, n.location_id, n.key))


def setting(name: str, default):
    return getattr(settings, name, default)


def tables_for(households: int, hours: float) -> int:
    """Tables needed for so many households in so many hours (at least one when anyone comes)."""
    if households <= 0 or hours <= 0:
        return 0
    rate = max(int(setting("STAFFING_HOUSEHOLDS_PER_TABLE_HOUR", 40)), 1)
    return max(1, math.ceil(households / hours / rate))
