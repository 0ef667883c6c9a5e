"""Fair shift planning: a pure function from plain data (volunteers, shifts, bookings) to a plan with
its explanations (`plan`), built on OR-Tools CP-SAT; `adapter` builds the data from the database."""

from .data import Busy, Level, Person, Problem, Proposed, Reason, Result, Shortfall, Slot, Window  # noqa: F401
from .solver import plan  # noqa: F401
