"""The hard rules, one function each, used twice: to decide which (person, shift) pairs the solver may
choose at all, and afterwards to explain why a shift stays short (each candidate re-checked against
each rule, against the plan as it came out)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from .data import Person, Slot

# In the order an explanation lists them.
STATIC_RULES = ("declined", "available", "away", "certificate")
PLAN_RULES = ("overlap", "rest", "week_hours", "month_hours")
RULES = STATIC_RULES + PLAN_RULES


def week_of(moment: datetime) -> tuple[int, int]:
    iso = moment.isocalendar()
    return iso[0], iso[1]


def month_of(moment: datetime) -> tuple[int, int]:
    return moment.year, moment.month


def available(person: Person, shift: Slot) -> bool:
    """Inside a weekly window of theirs, or inside extra time they offered."""
    if any(start <= shift.start and end >= shift.end for start, end in person.extra):
        return True
    if shift.start.date() != shift.end.date():
        return False
    begin, finish = shift.start.time(), shift.end.time()
    weekday = shift.start.weekday()
    return any(w.weekday == weekday and w.start <= begin and w.end >= finish for w in person.weekly)


def away(person: Person, shift: Slot) -> bool:
    return any(start < shift.end and end > shift.start for start, end in person.away)


def missing_certificates(person: Person, shift: Slot, skills: Iterable) -> list:
    """The skills among `skills` the person lacks, or holds with an expiry before the shift's day."""
    day = shift.day
    missing = []
    for skill in sorted(skills):
        if skill not in person.skills:
            missing.append(skill)
        else:
            expires = person.skills[skill]
            if expires is not None and expires < day:
                missing.append(skill)
    return missing


def holds(person: Person, shift: Slot, skill) -> bool:
    return not missing_certificates(person, shift, [skill])


def static_failures(person: Person, shift: Slot, declined: frozenset = frozenset()) -> list[str]:
    """The rules the pair breaks whatever else is planned (`declined`: the pairs where they said no)."""
    failed = ["declined"] if (person.id, shift.id) in declined else []
    if not available(person, shift):
        failed.append("available")
    if away(person, shift):
        failed.append("away")
    if missing_certificates(person, shift, shift.skills_all):
        failed.append("certificate")
    return failed


def too_close(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime,
              rest: timedelta) -> str | None:
    """"overlap" when two times overlap, "rest" when the gap between them is shorter than `rest`."""
    if a_start < b_end and b_start < a_end:
        return "overlap"
    gap = b_start - a_end if b_start >= a_end else a_start - b_end
    if gap < rest:
        return "rest"
    return None


def plan_failures(person: Person, shift: Slot, others: list[tuple[datetime, datetime]], rest: timedelta,
                  week_minutes: dict, month_minutes: dict) -> list[str]:
    """The rules the pair would break next to the person's other bookings (`others`: their times;
    `week_minutes` / `month_minutes`: their minutes per week and month, this shift not included)."""
    failed = []
    clashes = {too_close(shift.start, shift.end, start, end, rest) for start, end in others}
    for rule in ("overlap", "rest"):
        if rule in clashes:
            failed.append(rule)
    if person.max_hours_week is not None:
        if week_minutes.get(week_of(shift.start), 0) + shift.minutes > person.max_hours_week * 60:
            failed.append("week_hours")
    if person.max_hours_month is not None:
        if month_minutes.get(month_of(shift.start), 0) + shift.minutes > person.max_hours_month * 60:
            failed.append("month_hours")
    return failed


def speaks(person: Person, language: str) -> bool:
    return language in person.languages
