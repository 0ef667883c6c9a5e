"""The planner: a CP-SAT model of the rota, solved one objective after the other.

One boolean per (person, shift) pair that the static rules allow (available, not away, the
certificates everyone on the shift needs); confirmed assignments are fixed to 1. Hard rules: no two
shifts of a person overlap or leave less than the minimum rest between them, weekly and monthly
hours within each person's maximum, never more people than the shift's target (or its confirmed
people, when they are more).

Objectives, in this order, each solved and then fixed (at the value found) before the next:
1. "minimum": people missing below each shift's minimum, plus speakers missing below each language
   minimum, plus shifts where nobody holds a skill someone must hold;
2. "target": people missing below each shift's target;
3. "fairness": the largest deviation of anyone's hours this quarter from their fair share (the
   quarter's hours shared in proportion to each person's availability);
4. "fairness_total": the sum of those deviations (so that, the worst case fixed, the rest is fair too);
5. "preferences": shifts outside a person's preferred sites or roles, minus pairs of people who
   like to work together on the same shift;
6. "change": assignments of the published plan dropped plus new ones added.

The first three go to CP-SAT, which proves them in a fraction of a second; from "fairness_total" on,
HiGHS solves the same model as a MIP (volunteers.planner.mip says why), and once a level's optimum is
proven, what it implies (reduced-cost fixing) is added for the next. Each level reports its value, its
proven bound and so its gap; CP-SAT takes over a level HiGHS cannot answer.
"""

import time
from collections import defaultdict
from datetime import timedelta

from ortools.sat.python import cp_model

from . import mip, rules
from .data import Level, Problem, Proposed, Result
from .explain import explain

FAIR_UNIT = 15  # minutes: the fairness objectives count quarter hours
LINEARIZATION = 1
# Solved by HiGHS (see volunteers.planner.mip), by CP-SAT when that cannot be done.
MIP_LEVELS = ("fairness_total", "preferences", "change")


class _Model:
    def __init__(self, problem: Problem):
        self.problem = problem
        self.model = cp_model.CpModel()
        self.people = {p.id: p for p in problem.people}
        self.shifts = {s.id: s for s in problem.shifts}
        self.x = {}  # (person, shift) -> BoolVar
        self.objectives = []  # (name, IntVar equal to the objective)
        self._variables()
        self._spacing()
        self._hours()
        self._coverage()
        self._preferences()
        self._change()

    # -- variables and hard rules ------------------------------------------------------------------
    def _variables(self):
        problem = self.problem
        rest = timedelta(hours=problem.min_rest_hours)
        busy = defaultdict(list)
        for b in problem.busy:
            busy[b.person].append((b.start, b.end))
        self.busy = busy
        for shift in problem.shifts:
            for person in problem.people:
                pair = (person.id, shift.id)
                if pair in problem.kept:
                    self.x[pair] = self.model.new_constant(1)
                    continue
                if rules.static_failures(person, shift, problem.declined):
                    continue
                if any(rules.too_close(shift.start, shift.end, s, e, rest) for s, e in busy[person.id]):
                    continue
                self.x[pair] = self.model.new_bool_var(f"x{person.id}_{shift.id}")
        self.by_person = defaultdict(list)
        self.by_shift = defaultdict(list)
        for (p, s), var in self.x.items():
            self.by_person[p].append((self.shifts[s], var))
            self.by_shift[s].append((self.people[p], var))
        for items in self.by_person.values():
            items.sort(key=lambda item: (item[0].start, item[0].id))

    def _kept(self, person_id, shift_id) -> bool:
        return (person_id, shift_id) in self.problem.kept

    def _spacing(self):
        rest = timedelta(hours=self.problem.min_rest_hours)
        for person_id, items in self.by_person.items():
            for i, (a, xa) in enumerate(items):
                for b, xb in items[i + 1:]:
                    if b.start >= a.end + rest:
                        break
                    if self._kept(person_id, a.id) and self._kept(person_id, b.id):
                        continue  # both confirmed: kept as they are
                    self.model.add(xa + xb <= 1)

    def _hours(self):
        for person_id, items in self.by_person.items():
            person = self.people[person_id]
            for limit, key in ((person.max_hours_week, rules.week_of), (person.max_hours_month, rules.month_of)):
                if limit is None:
                    continue
                groups = defaultdict(list)
                for shift, var in items:
                    groups[key(shift.start)].append((shift, var))
                outside = defaultdict(int)
                for start, end in self.busy[person_id]:
                    outside[key(start)] += int((end - start).total_seconds() // 60)
                for period, group in groups.items():
                    kept = sum(s.minutes for s, _ in group if self._kept(person_id, s.id))
                    bound = max(int(limit * 60) - outside[period], kept)
                    self.model.add(sum(s.minutes * var for s, var in group) <= bound)

    # -- objectives --------------------------------------------------------------------------------
    def _objective(self, name, terms, low, high):
        var = self.model.new_int_var(low, high, name)
        self.model.add(var == sum(terms) if terms else var == 0)
        self.objectives.append((name, var))
        return var

    def _coverage(self):
        minimum, target = [], []
        for shift in self.problem.shifts:
            chosen = self.by_shift[shift.id]
            count = sum(var for _, var in chosen)
            kept = sum(1 for p, _ in chosen if self._kept(p.id, shift.id))
            self.model.add(count <= max(shift.target, kept))
            for need, bucket in ((shift.minimum, minimum), (shift.target, target)):
                if need > 0:
                    short = self.model.new_int_var(0, need, f"short{shift.id}_{len(bucket)}")
                    self.model.add(short >= need - count)
                    bucket.append(short)
            for language, need in sorted(shift.languages.items()):
                speakers = [var for p, var in chosen if rules.speaks(p, language)]
                short = self.model.new_int_var(0, need, f"lang{shift.id}_{language}")
                self.model.add(short >= need - sum(speakers))
                minimum.append(short)
            for skill in sorted(shift.skills_any):
                holders = [var for p, var in chosen if rules.holds(p, shift, skill)]
                short = self.model.new_bool_var(f"skill{shift.id}_{skill}")
                self.model.add(short >= 1 - sum(holders))
                minimum.append(short)
        top = sum(s.target + sum(s.languages.values()) + len(s.skills_any) for s in self.problem.shifts)
        self._objective("minimum", minimum, 0, top)
        self._objective("target", target, 0, top)

    def fairness(self, chosen) -> list:
        """The two fairness objectives, once coverage is settled. The quarter's hours are those
        already served plus those of the plan found so far (coverage is fixed, so any plan still
        allowed has nearly the same); each person's fair share is that total times their part of
        everyone's availability. Counted in quarter hours."""
        people = [p for p in self.problem.people if p.weight > 0 or p.prior_hours > 0 or self.by_person[p.id]]
        total_weight = sum(max(p.weight, 0) for p in people)
        if not people or total_weight <= 0:
            return []
        total = sum(p.prior_hours * 60 for p in people) + sum(self.shifts[s].minutes for _, s in chosen)
        devs, top = [], 0
        for p in people:
            prior = round(p.prior_hours * 60 / FAIR_UNIT)
            planned = [(round(s.minutes / FAIR_UNIT), var, s.id) for s, var in self.by_person[p.id]]
            share = round(total * max(p.weight, 0) / total_weight / FAIR_UNIT)
            high = max(prior + sum(units for units, _, _ in planned), share)
            load = prior + sum(units * var for units, var, _ in planned)
            dev = self.model.new_int_var(0, high, f"dev{p.id}")
            self.model.add(dev >= load - share)
            self.model.add(dev >= share - load)
            devs.append(dev)
            top = max(top, high)
        worst = self.model.new_int_var(0, top, "worst")
        for dev in devs:
            self.model.add(worst >= dev)
        total_dev = self.model.new_int_var(0, top * len(devs), "fairness_total")
        self.model.add(total_dev == sum(devs))
        return [("fairness", worst), ("fairness_total", total_dev)]

    def _preferences(self):
        terms = []
        for (p, s), var in self.x.items():
            person, shift = self.people[p], self.shifts[s]
            if person.preferred_sites and shift.site not in person.preferred_sites:
                terms.append(var)
            if person.preferred_roles and shift.role not in person.preferred_roles:
                terms.append(var)
        for person in self.problem.people:
            for other in sorted(person.likes_with):
                if other <= person.id and person.id in getattr(self.people.get(other), "likes_with", ()):
                    continue  # the pair is counted once, from the smaller id
                for shift in self.problem.shifts:
                    a, b = self.x.get((person.id, shift.id)), self.x.get((other, shift.id))
                    if a is None or b is None:
                        continue
                    both = self.model.new_bool_var(f"with{person.id}_{other}_{shift.id}")
                    self.model.add(both <= a)
                    self.model.add(both <= b)
                    terms.append(-both)
        if terms:
            self._objective("preferences", terms, -len(self.x) * 2, len(self.x) * 2)

    def _change(self):
        terms = []
        for pair, var in self.x.items():
            if pair in self.problem.kept:
                continue
            terms.append(1 - var if pair in self.problem.published else var)
        if self.problem.published and terms:
            self._objective("change", terms, 0, len(terms))


def plan(problem: Problem) -> Result:
    """The best plan for the problem, objective by objective, within `problem.time_limit` seconds."""
    started = time.perf_counter()
    built = _Model(problem)
    model = built.model
    values = None
    levels = []
    queue = list(built.objectives)
    fairness_added = False
    highs = None  # the MIP, once a level needs it
    last = None  # the last plan found, every variable's value
    while queue:
        name, objective = queue.pop(0)
        began = time.perf_counter()
        remaining = problem.time_limit - (began - started)
        # Coverage first: each coverage objective may use half the time left (it usually proves its optimum
        # at once and leaves the rest); each of the others up to twice an equal share of what is left (most
        # finish early; the sum of distances is usually the longest).
        share = 0.5 if name in ("minimum", "target") else min(2 / (len(queue) + 2), 1)
        seconds = max(remaining * share, 0.05)
        found = None
        if name in MIP_LEVELS:
            highs = highs or mip.Mip(model, problem.workers)
            found = highs.minimize(objective, seconds, last)
        if found is not None:
            levels.append(Level(name, found.value, found.bound, found.optimal, engine="highs"))
            values = {pair: found.solution[var.index] for pair, var in built.x.items()}
            last = found.solution
            _hint(model, last)
            if found.optimal and queue:  # what the optimum implies makes the next objectives smaller
                for index, low, high in highs.implied_bounds(objective, found.value, seconds):
                    model.add_linear_constraint(model.get_int_var_from_proto_index(index), low, high)
            model.add(objective <= found.value)
        else:
            if name in MIP_LEVELS:  # HiGHS could not answer: CP-SAT gets the same share of what is left
                seconds = max((problem.time_limit - (time.perf_counter() - started)) * share, 0.05)
            values, last = _cp_sat_level(model, built, name, objective, seconds, problem.workers, levels, values, last)
        levels[-1].seconds = time.perf_counter() - began
        if name == "target" and not fairness_added:
            fairness_added = True
            queue[0:0] = built.fairness([pair for pair, value in values.items() if value])
    chosen = sorted(pair for pair, value in values.items() if value == 1)
    proposed = [Proposed(person=p, shift=s, kept=(p, s) in problem.kept, published=(p, s) in problem.published)
                for p, s in chosen]
    load, share = load_and_share(problem, chosen)
    shortfalls = explain(problem, proposed, load, share, eligible=built.by_shift)
    return Result(assignments=proposed, shortfalls=shortfalls, levels=levels, load=load, share=share,
                  seconds=time.perf_counter() - started)


def load_and_share(problem: Problem, chosen) -> tuple[dict, dict]:
    """Each person's hours this quarter with the plan, and their fair share of all those hours."""
    shifts = {s.id: s for s in problem.shifts}
    load = {p.id: p.prior_hours for p in problem.people}
    for person_id, shift_id in chosen:
        load[person_id] += shifts[shift_id].minutes / 60
    total_weight = sum(max(p.weight, 0) for p in problem.people)
    total = sum(load.values())
    share = {p.id: (total * max(p.weight, 0) / total_weight if total_weight else 0.0) for p in problem.people}
    return load, share


def _cp_sat_level(model, built, name, objective, seconds, workers, levels, values, last):
    """Solve one objective with CP-SAT and fix it; the plan's values and all variables' afterwards."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = max(workers, 1)
    solver.parameters.random_seed = 7
    solver.parameters.linearization_level = LINEARIZATION
    model.minimize(objective)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        value = round(solver.objective_value)
        levels.append(Level(name, value, solver.best_objective_bound, status == cp_model.OPTIMAL))
        solution = list(solver.response_proto.solution)
        _hint(model, solution)
        model.add(objective <= value)
        return {pair: solver.value(var) for pair, var in built.x.items()}, solution
    if values is not None:  # no better solution in time: the last one stands, this level unproven
        levels.append(Level(name, float("nan"), solver.best_objective_bound, False))
        return values, last
    raise RuntimeError(f"The planner found no plan ({solver.status_name(status)}).")


def _hint(model: cp_model.CpModel, solution) -> None:
    """The solution just found, as the hint of the next objective (every variable, so that the solver
    starts from a complete plan and only ever improves it)."""
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(solution)))
    hint.values.extend(solution)
