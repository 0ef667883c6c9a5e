"""Why the plan is as it is: for each proposed assignment, why this person; for each need left unmet,
which rule keeps the candidates out and what would fix it. Computed by re-checking every candidate
against every rule, against the plan as it came out (never guessed)."""

from collections import defaultdict
from datetime import timedelta

from . import rules
from .data import Problem, Proposed, Reason, Shortfall

FIXES_PER_RULE = 3  # at most so many people named in each suggested fix


def explain(problem: Problem, proposed: list[Proposed], load: dict, share: dict, *, eligible: dict) -> list[Shortfall]:
    """Fill in each proposal's reasons; return the shortfalls with their binding rule and fixes."""
    people = {p.id: p for p in problem.people}
    shifts = {s.id: s for s in problem.shifts}
    on_shift = defaultdict(list)
    booked = defaultdict(list)  # person -> [(start, end, shift id or None)]
    for b in problem.busy:
        booked[b.person].append((b.start, b.end, None))
    for item in proposed:
        on_shift[item.shift].append(people[item.person])
        shift = shifts[item.shift]
        booked[item.person].append((shift.start, shift.end, shift.id))
    for item in proposed:
        item.reasons = reasons_for(people[item.person], shifts[item.shift], item, load, share,
                                   [p for p, _ in eligible.get(item.shift, ())], on_shift[item.shift])
    shortfalls = []
    context = Checker(problem, people, booked)
    for shift in sorted(problem.shifts, key=lambda s: (s.start, s.id)):
        staff = on_shift[shift.id]
        if len(staff) < shift.minimum:
            shortfalls.append(context.shortfall(shift, "people", shift.minimum - len(staff), staff))
        for language, need in sorted(shift.languages.items()):
            have = sum(1 for p in staff if rules.speaks(p, language))
            if have < need:
                shortfalls.append(context.shortfall(shift, "language", need - have, staff, what=language))
        for skill in sorted(shift.skills_any):
            if not any(rules.holds(p, shift, skill) for p in staff):
                shortfalls.append(context.shortfall(shift, "skill", 1, staff, what=skill))
    return shortfalls


def reasons_for(person, shift, item, load, share, candidates, staff) -> list[Reason]:
    """Why `person` is on `shift` (`item`, the proposal): kept or published, available, languages and
    skills, their rank in prior hours among `candidates`, their hours (`load`) against their fair share
    (`share`), and the preferences met with the `staff` on the shift."""
    reasons = []
    if item.kept:
        reasons.append(Reason("kept"))
    elif item.published:
        reasons.append(Reason("published"))
    window = next((w for w in person.weekly if w.weekday == shift.start.weekday() and w.start <= shift.start.time()
                   and w.end >= shift.end.time()), None)
    if window is not None:
        reasons.append(Reason("available", {"weekday": window.weekday, "start": window.start, "end": window.end}))
    elif rules.available(person, shift):
        reasons.append(Reason("offered"))
    for language in sorted(shift.languages):
        if rules.speaks(person, language):
            reasons.append(Reason("speaks", {"language": language}))
    for skill in sorted(shift.skills_all | shift.skills_any):
        if rules.holds(person, shift, skill):
            reasons.append(Reason("holds", {"skill": skill, "expires": person.skills.get(skill)}))
    if candidates:
        rank = 1 + sum(1 for p in candidates if p.prior_hours < person.prior_hours)
        code = "fewest_hours" if rank == 1 else "hours_rank"
        reasons.append(Reason(code, {"rank": rank, "of": len(candidates), "hours": round(person.prior_hours, 1)}))
    reasons.append(Reason("fair_share", {"hours": round(load.get(person.id, 0), 1),
                                         "share": round(share.get(person.id, 0), 1)}))
    if person.preferred_sites and shift.site in person.preferred_sites:
        reasons.append(Reason("preferred_site"))
    if person.preferred_roles and shift.role in person.preferred_roles:
        reasons.append(Reason("preferred_role"))
    for other in staff:
        if other.id != person.id and (other.id in person.likes_with or person.id in other.likes_with):
            reasons.append(Reason("with", {"person": other.id, "name": other.name}))
    return reasons


class Checker:
    """The hard rules against a given set of bookings: `booked` maps a person to their
    [(start, end, shift id or None)], outside the shifts planned (None) and on them. `failures` says
    which rules a person breaks by taking a shift; `shortfall` which rule keeps the candidates out of
    an unmet need and what would fix it."""

    def __init__(self, problem, people, booked):
        self.problem = problem
        self.people = people
        self.booked = booked
        self.rest = timedelta(hours=problem.min_rest_hours)
        self.labels = {s.id: s.label for s in problem.shifts}

    def _minutes(self, person_id, skip_shift):
        week, month = defaultdict(int), defaultdict(int)
        for start, end, shift_id in self.booked[person_id]:
            if shift_id == skip_shift:
                continue
            minutes = int((end - start).total_seconds() // 60)
            week[rules.week_of(start)] += minutes
            month[rules.month_of(start)] += minutes
        return week, month

    def failures(self, person, shift) -> list[str]:
        failed = rules.static_failures(person, shift, self.problem.declined)
        others = [(start, end) for start, end, shift_id in self.booked[person.id] if shift_id != shift.id]
        week, month = self._minutes(person.id, shift.id)
        failed += rules.plan_failures(person, shift, others, self.rest, week, month)
        return failed

    def shortfall(self, shift, kind, missing, staff, what="") -> Shortfall:
        on = {p.id for p in staff}
        pool = [p for p in self.problem.people if p.id not in on]
        if kind == "language":
            pool = [p for p in pool if rules.speaks(p, what)]
        elif kind == "skill":
            pool = [p for p in pool if what in p.skills]
        result = Shortfall(shift=shift.id, kind=kind, missing=missing, what=what)
        if not pool:  # nobody at all speaks the language or holds the skill
            result.binding = "nobody_has" if kind != "people" else "nobody"
            result.fixes.append(Reason("recruit", {"kind": kind, "what": what}))
            return result
        failing = {}
        for person in pool:
            failed = self.failures(person, shift)
            if kind == "skill" and not rules.holds(person, shift, what):
                failed.append("certificate")
            failing[person.id] = failed
        blocked = defaultdict(int)
        only = defaultdict(list)
        for person_id, failed in failing.items():
            for rule in set(failed):
                blocked[rule] += 1
            if len(set(failed)) == 1:
                only[failed[0]].append(self.people[person_id])
        free = [self.people[pid] for pid, failed in failing.items() if not failed]
        result.blocked = dict(sorted(blocked.items(), key=lambda kv: (-kv[1], _order(kv[0]))))
        if free:  # could be added as things stand (the solver ran out of time before it could)
            result.binding = "none"
            for person in sorted(free, key=lambda p: (p.prior_hours, p.id))[:FIXES_PER_RULE]:
                result.fixes.append(Reason("add", {"person": person.id, "name": person.name}))
            return result
        if only:
            result.binding = max(only, key=lambda rule: (len(only[rule]), -_order(rule)))
        else:
            result.binding = next(iter(result.blocked))
        for rule in sorted(only, key=lambda r: (-len(only[r]), _order(r))):
            for person in sorted(only[rule], key=lambda p: (p.prior_hours, p.id))[:FIXES_PER_RULE]:
                result.fixes.append(self._fix(rule, person, shift, kind, what))
        return result

    def _fix(self, rule, person, shift, kind, what) -> Reason:
        params = {"person": person.id, "name": person.name}
        if rule == "away":
            ends = [end for start, end in person.away if start < shift.end and end > shift.start]
            params["until"] = max(ends)
        elif rule == "certificate":
            needed = set(shift.skills_all) | ({what} if kind == "skill" else set())
            skills = rules.missing_certificates(person, shift, needed)
            params["skills"] = skills
            params["expired"] = {s: person.skills[s] for s in skills if s in person.skills}
        elif rule in ("overlap", "rest"):
            params["shifts"] = [self.labels.get(shift_id, "") for start, end, shift_id in self.booked[person.id]
                                if shift_id != shift.id and rules.too_close(shift.start, shift.end, start, end,
                                                                            self.rest)]
        elif rule in ("week_hours", "month_hours"):
            week, month = self._minutes(person.id, shift.id)
            if rule == "week_hours":
                used, limit = week[rules.week_of(shift.start)], person.max_hours_week
            else:
                used, limit = month[rules.month_of(shift.start)], person.max_hours_month
            params["limit"] = limit
            params["needed"] = round((used + shift.minutes) / 60, 1)
        return Reason(f"fix_{rule}", params)


def _order(rule: str) -> int:
    order = rules.RULES
    return order.index(rule) if rule in order else len(order)
