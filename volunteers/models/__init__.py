"""Volunteers, their languages, certificates and availability; shifts, series, templates;
assignments (who is booked on which shift), attendance and hours; sent reminders; sign-in links.

Every record read through its own manager belongs to a centre (`centre`, core.tenancy.CentreManager):
a person who volunteers at two centres has a volunteer record at each, linked to the same account.
Rows reached only through their volunteer or template (languages, weekly availability, absences,
template lines) carry no centre; nor do sign-in links, which belong to the account.

Rules the database keeps by itself:
- a shift ends after it starts, 0 <= min_people <= max_people, and `booked` (active assignments,
  kept by the services under a row lock) never exceeds `max_people` (check constraint);
- one assignment row per (shift, volunteer);
- on PostgreSQL, no volunteer holds two active assignments whose times overlap (an exclusion
  constraint on the assignment's copy of the shift's time range, see migration 0002);
- a reminder is recorded once per (assignment, shift start), so it is never sent twice;
- an e-mail address belongs to at most one volunteer of a centre, whatever its capitals;
- an account stands behind at most one volunteer record per centre;
- a swap offer has at most one taker, and at most one candidate is asked at a time.
"""

from .links import (  # noqa: F401
    ContactChange,
    DigestSent,
    LocationFeed,
    SignInLink,
)
from .people import (  # noqa: F401
    EMAIL_TAKEN,
    MAX_AT_LEAST_MIN,
    Absence,
    Availability,
    Certificate,
    Language,
    Skill,
    Volunteer,
    VolunteerLanguage,
    new_token,
)
from .planning import PlanLine, PlanProposal  # noqa: F401
from .shifts import (  # noqa: F401
    TARGET_BETWEEN,
    Assignment,
    ReminderSent,
    Role,
    Shift,
    ShiftFields,
    ShiftSeries,
    ShiftTemplate,
    ShiftTemplateLine,
    SignupMode,
)
from .swaps import ONE_TAKER, SwapAsk, SwapOffer  # noqa: F401
