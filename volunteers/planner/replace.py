"""Replacements for one person on one shift: who else may take it under the planner's hard rules (the
very checks of the plan and its explanations: rules.static_failures and rules.plan_failures against
everyone's other bookings), in the planner's fairness order, each with the reasons; or, when nobody
may, the rule that binds and what would fix it (the same shortfall as "fill this shift" gives).

Fairness order: first those who keep the shift's language and skill needs met without the person
leaving; then the furthest below their fair share of the quarter's hours with this shift; then the
most preferences met (site, role, people they like to work with); then the fewest hours; then id.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from . import rules
from .data import Problem, Proposed, Reason, Shortfall
from .explain import Checker, reasons_for
from .solver import load_and_share


@dataclass
class Candidate:
    person: int
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Ranking:
    candidates: list[Candidate]
    shortfall: Shortfall | None = None  # set when nobody may take the shift


def _staff(problem: Problem, shift_id: int) -> set[int]:
    return {p for p, s in problem.kept | problem.published if s == shift_id}


def _context(problem: Problem) -> Checker:
    """The explanation's checker, with everyone's bookings: outside the shifts planned and on them."""
    people = {p.id: p for p in problem.people}
    shifts = {s.id: s for s in problem.shifts}
    booked = defaultdict(list)
    for b in problem.busy:
        booked[b.person].append((b.start, b.end, None))
    for person_id, shift_id in sorted(problem.kept | problem.published):
        if person_id in people:
            slot = shifts[shift_id]
            booked[person_id].append((slot.start, slot.end, shift_id))
    return Checker(problem, people, booked)


def failures(problem: Problem, person_id: int, shift_id: int) -> list[str]:
    """The hard rules the person breaks by taking the shift (empty: they may); "inactive" when the
    problem does not hold them (not an active volunteer)."""
    person = next((p for p in problem.people if p.id == person_id), None)
    if person is None:
        return ["inactive"]
    shift = next(s for s in problem.shifts if s.id == shift_id)
    return _context(problem).failures(person, shift)


def _unmet(shift, staff) -> int:
    missing = sum(max(need - sum(1 for p in staff if rules.speaks(p, lang)), 0)
                  for lang, need in shift.languages.items())
    return missing + sum(1 for skill in shift.skills_any if not any(rules.holds(p, shift, skill) for p in staff))


def rank(problem: Problem, shift_id: int, leaving: int, *, limit: int | None = None) -> Ranking:
    """Who may take `leaving`'s place on the shift, best first (at most `limit`)."""
    context = _context(problem)
    people = context.people
    shift = next(s for s in problem.shifts if s.id == shift_id)
    on_shift = _staff(problem, shift_id)
    pool = [p for p in problem.people if p.id not in on_shift and p.id != leaving]
    eligible = [p for p in pool if not context.failures(p, shift)]
    if not eligible:
        staff = [people[i] for i in sorted(on_shift) if i in people]
        return Ranking([], context.shortfall(shift, "people", 1, staff))
    staying = [people[i] for i in sorted(on_shift) if i in people and i != leaving]
    # The quarter's total is the same whoever takes the place: one fair share for all.
    load, share = load_and_share(problem, sorted((p, s) for p, s in problem.kept | problem.published
                                                 if p in people))
    hours = shift.minutes / 60
    unmet_before = _unmet(shift, staying + ([people[leaving]] if leaving in people else []))

    def key(person):
        keeps = _unmet(shift, [*staying, person]) <= unmet_before
        preferences = ((shift.site in person.preferred_sites) + (shift.role in person.preferred_roles)
                       + sum(1 for other in staying if other.id in person.likes_with or person.id in other.likes_with))
        return (not keeps, round(load.get(person.id, 0) + hours - share.get(person.id, 0), 2), -preferences,
                person.prior_hours, person.id)

    ordered = sorted(eligible, key=key)[:limit]
    with_shift = {**load, **{p.id: load.get(p.id, 0) + hours for p in ordered}}
    return Ranking([Candidate(p.id, reasons_for(p, shift, Proposed(person=p.id, shift=shift_id), with_shift, share,
                                                eligible, staying)) for p in ordered])
