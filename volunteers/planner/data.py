"""The planner's plain data: what goes in (people, shifts, what is already booked) and what comes out
(the plan, why each person, why a shift stays short). No Django here: the planner is a pure function
of these values, so that it can be tested and measured on its own (volunteers.planner.adapter builds
them from the database)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time


@dataclass(frozen=True)
class Window:
    """A weekly window in which a person can usually help (weekday 0 = Monday)."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Person:
    id: int
    name: str = ""
    weekly: tuple[Window, ...] = ()
    # Exceptions to the weekly pattern: away (holiday, illness) and extra times they offered.
    away: tuple[tuple[datetime, datetime], ...] = ()
    extra: tuple[tuple[datetime, datetime], ...] = ()
    skills: dict = field(default_factory=dict)  # skill id -> expiry date, or None when it never expires
    languages: frozenset = frozenset()
    max_hours_week: float | None = None
    max_hours_month: float | None = None
    prior_hours: float = 0.0  # hours already served (or booked) this quarter, outside the planned shifts
    weight: float = 1.0  # availability over the quarter: the fair share is proportional to it
    preferred_sites: frozenset = frozenset()
    preferred_roles: frozenset = frozenset()
    likes_with: frozenset = frozenset()  # ids of people they like to work with


@dataclass(frozen=True)
class Slot:
    """A shift to staff: `minimum` must be met, `target` is what the work asks for, never more than `maximum`."""

    id: int
    start: datetime
    end: datetime
    site: int = 0
    role: str = ""
    minimum: int = 1
    target: int = 1
    maximum: int = 1
    skills_all: frozenset = frozenset()  # everyone on the shift holds these, valid on the day
    skills_any: frozenset = frozenset()  # at least one person holds each of these, valid on the day
    languages: dict = field(default_factory=dict)  # language code -> at least so many speakers
    label: str = ""

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass(frozen=True)
class Busy:
    """A person's booking outside the planned shifts: no overlap or short rest with it; it counts
    towards their weekly and monthly hours."""

    person: int
    start: datetime
    end: datetime


@dataclass
class Problem:
    people: list[Person]
    shifts: list[Slot]
    kept: frozenset = frozenset()  # (person id, shift id): confirmed, kept whatever happens
    published: frozenset = frozenset()  # (person id, shift id): in the published plan, changed as little as possible
    busy: tuple[Busy, ...] = ()
    declined: frozenset = frozenset()  # (person id, shift id): they said no to this shift, not asked again
    min_rest_hours: float = 0.0
    time_limit: float = 10.0  # seconds, for all the objectives together
    workers: int = 2


@dataclass(frozen=True)
class Reason:
    """One line of an explanation: a code and its values (volunteers.planner.texts words it)."""

    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Proposed:
    person: int
    shift: int
    kept: bool = False
    published: bool = False
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Shortfall:
    """A need of a shift the plan leaves unmet, the rule that binds and what would fix it."""

    shift: int
    kind: str  # "people", "language" or "skill"
    missing: int
    what: str = ""  # the language code or skill id, for "language" and "skill"
    binding: str = ""  # the rule that keeps most candidates out
    blocked: dict = field(default_factory=dict)  # rule -> how many candidates it keeps out
    fixes: list[Reason] = field(default_factory=list)


@dataclass
class Level:
    name: str
    value: float
    bound: float
    optimal: bool
    seconds: float = 0.0  # wall time spent on this objective
    engine: str = "cp-sat"  # or "highs" (volunteers.planner.mip)

    @property
    def gap(self) -> float:
        """The relative distance of the found value to the best bound (0 when proven optimal)."""
        if self.optimal:
            return 0.0
        if self.value != self.value:  # no solution at this level in time: unknown
            return 1.0
        # At most 100 %: a bound further off than the value itself says nothing more.
        return min(abs(self.value - self.bound) / max(abs(self.value), 1.0), 1.0)


@dataclass
class Result:
    assignments: list[Proposed]
    shortfalls: list[Shortfall]
    levels: list[Level]
    load: dict  # person id -> hours in the quarter with this plan
    share: dict  # person id -> fair share of hours in the quarter
    seconds: float = 0.0

    @property
    def optimal(self) -> bool:
        return all(level.optimal for level in self.levels)

    @property
    def gap(self) -> float:
        return max((level.gap for level in self.levels), default=0.0)

    def pairs(self) -> set[tuple[int, int]]:
        return {(a.person, a.shift) for a in self.assignments}
