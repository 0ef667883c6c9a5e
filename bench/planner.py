"""Planner benchmark: prints figures, asserts nothing (run: `python -m bench.planner`).

Plans 4 weeks at two sites (about 120 shifts: mornings and afternoons on weekdays, with Romani
speakers needed at the Roma branch and a first-aid holder on some) with 150 volunteers (weekly
availability, languages, certificates, some with weekly limits, hours already served this
quarter), the way the coordinator's "propose a plan" does, and prints the time and the solver's gap
to the optimum for each objective. Target: proven optimal or a gap of at most 1 % within 10 s.
"""

import os
import random
import sys
from datetime import date, datetime, time, timedelta
from time import process_time

from volunteers.planner import Person, Problem, Slot, Window, plan

FIRST_AID, CHILD_CHECK = 1, 2


def sample(rng: random.Random, *, people: int = 150, weeks: int = 4, start: date = date(2027, 1, 4)) -> Problem:
    """A centre's worth of volunteers and shifts (deterministic for a seeded `rng`)."""
    shifts = []
    for day in range(weeks * 7):
        today = start + timedelta(days=day)
        if today.weekday() >= 5:
            continue
        for site in (1, 2):
            for begin, end, role in ((8, 12, "distribution"), (12, 15, "reception"), (9, 13, "store")):
                role = "interpreting" if site == 2 and role == "store" else role
                minimum = rng.choice((1, 2, 2, 3))
                shifts.append(Slot(
                    id=len(shifts) + 1, start=datetime.combine(today, time(begin)),
                    end=datetime.combine(today, time(end)), site=site, role=role, minimum=minimum,
                    target=minimum + rng.choice((0, 1, 1, 2)), maximum=minimum + 3,
                    languages={"rom": 1} if site == 2 else {},
                    skills_any=frozenset({FIRST_AID}) if role == "distribution" and rng.random() < 0.3 else frozenset(),
                    label=f"{role} {today:%d/%m} {begin}:00"))
    volunteers = []
    for n in range(1, people + 1):
        days = rng.sample(range(5), k=rng.choice((1, 2, 2, 3)))
        weekly = tuple(Window(d, time(rng.choice((7, 8, 12))), time(rng.choice((13, 15, 16)))) for d in days)
        skills = {}
        if rng.random() < 0.3:
            skills[FIRST_AID] = start + timedelta(days=rng.choice((-10, 30, 400)))
        volunteers.append(Person(
            id=n, name=f"V{n}", weekly=weekly, weight=sum(w.end.hour - w.start.hour for w in weekly),
            languages=frozenset({"el"} | ({"rom"} if rng.random() < 0.25 else set())), skills=skills,
            max_hours_week=rng.choice((None, None, 8, 12)), prior_hours=rng.choice((0, 0, 4, 8, 12, 20)),
            preferred_sites=frozenset({rng.choice((1, 2))}) if rng.random() < 0.3 else frozenset()))
    return Problem(people=volunteers, shifts=shifts, min_rest_hours=10, time_limit=10, workers=2)


def main():
    problem = sample(random.Random(17))
    load = os.getloadavg()
    cpu = process_time()
    result = plan(problem)
    cpu = process_time() - cpu
    wanted = sum(s.target for s in problem.shifts)
    print(f"  plan 4 weeks, 2 sites: {len(problem.shifts)} shifts, {len(problem.people)} volunteers, "
          f"{wanted} places wanted")
    print(f"  {'load average before (1, 5, 15 min; 2 cores)':<55} {' '.join(f'{x:.1f}' for x in load)}")
    print(f"  {'time to plan':<55} {result.seconds:8.2f} s")
    print(f"  {'processor time (all solver threads; the machine is shared)':<55} {cpu:8.2f} s")
    for level in result.levels:  # each objective is solved, then fixed, in this order
        state = "proven optimal" if level.optimal else f"bound {level.bound:.0f}, gap {level.gap:.2%}"
        print(f"  objective {level.name:<16} {level.value:>8} {state:<27} {level.seconds:6.2f} s  {level.engine}")
    print(f"  {'assignments proposed':<55} {len(result.assignments):8d}")
    print(f"  {'needs left unmet':<55} {len(result.shortfalls):8d}")
    overall = "every objective proven optimal" if result.optimal else f"worst gap {result.gap:.2%}"
    print(f"  {'overall (the worst objective)':<55} {overall}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
