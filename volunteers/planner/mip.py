"""The planner's later objectives solved as a mixed-integer program by HiGHS (shipped with OR-Tools)
rather than by CP-SAT, on exactly the same model: every variable and constraint of the CP-SAT model
(with the objectives already fixed) becomes the same column and row of a MIP.

Why: the sum of everyone's distance from their fair share has a linear relaxation that is (nearly)
exact, but CP-SAT's presolve weakens it and its search finds good plans slowly (on the benchmark:
16 % from its bound after 10 s, 60 s to reach the optimum), while HiGHS finds and proves the optimum
at its root node in two or three seconds. Once that sum is fixed at its optimum, CP-SAT struggles as
much to move within it, so the objectives after it go to HiGHS too. Every answer is checked against
every constraint before it is used; when HiGHS is missing, the model holds a constraint this
translation does not know, or no plan comes back in time, the caller asks CP-SAT as before."""

import math
import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

INFINITY = 2**62  # beyond it, CP-SAT's bounds (±2^63 - 1) mean "none"
KNOWN = ("linear", "at_most_one", "exactly_one", "bool_or")
MARGIN = 0.01  # reduced costs closer than this to the slack fix nothing (the LP solves to ~1e-7)
TOLERANCE = 1e-6  # an LP value or bound this close above an integer rounds down to it
NARROW_SHARE = 0.85  # of a level's time, for the search near the relaxation's bound (the rest: the whole model)
CLOSE_ENOUGH = 0.005  # a plan this close to the proven bound is not searched beyond (the target is 1 %)
ROOM = 1  # the narrowed search looks up to so much above the relaxation's bound (rounded up)


@dataclass
class Outcome:
    value: int
    bound: int  # proven lower bound of the objective
    optimal: bool
    solution: list[int]  # a value for every variable of the CP-SAT model, by index


class Mip:
    """The CP-SAT model as a HiGHS MIP, kept in step with it as objectives are fixed."""

    def __init__(self, model: cp_model.CpModel, threads: int = 1):
        self.model = model
        self.solver = pywraplp.Solver.CreateSolver("HIGHS")
        self.relaxed = pywraplp.Solver.CreateSolver("GLOP")  # the same rows, continuous: for reduced costs
        self.usable = self.solver is not None and self.relaxed is not None
        self.columns, self.lp_columns = [], []
        self.domains = []
        self.rows = []  # (low, high, [(coefficient, index)], constant): to check every answer against
        self.done = 0  # constraints of the model already translated
        self.relaxed_for = None  # (objective index, rows) of the relaxation last solved
        self.status = None  # of HiGHS's last search
        if self.usable:
            self.solver.SuppressOutput()
            self.solver.SetSolverSpecificParametersAsString("output_flag=false")  # not even its banner
            self.solver.SetNumThreads(max(threads, 1))

    def _sync(self) -> bool:
        """Translate what the model gained since last time; False when something cannot be."""
        proto, solver = self.model.proto, self.solver
        # (The proto's repeated fields do not take negative indices: copied into lists.)
        for n in range(len(self.columns), len(proto.variables)):
            domain = list(proto.variables[n].domain)
            if len(domain) != 2:
                return False  # a domain with holes
            self.domains.append(domain)
            self.columns.append(solver.IntVar(domain[0], domain[1], f"v{n}"))
            self.lp_columns.append(self.relaxed.NumVar(domain[0], domain[1], f"v{n}"))
        for n in range(self.done, len(proto.constraints)):
            c = proto.constraints[n]
            if len(c.enforcement_literal) or not any(getattr(c, f"has_{kind}")() for kind in KNOWN):
                return False
            if c.has_linear():
                domain = list(c.linear.domain)
                if len(domain) != 2:
                    return False  # x != k: not a single row
                row = (domain[0], domain[1], list(zip(c.linear.coeffs, c.linear.vars, strict=True)), 0)
            else:
                literals = list(
                    (
                        c.at_most_one if c.has_at_most_one() else c.exactly_one if c.has_exactly_one() else c.bool_or
                    ).literals
                )
                terms = [(1, lit) if lit >= 0 else (-1, -lit - 1) for lit in literals]
                negated = sum(1 for lit in literals if lit < 0)  # a negated literal is 1 - x
                row = (-INFINITY if c.has_at_most_one() else 1, INFINITY if c.has_bool_or() else 1, terms, negated)
            low, high, terms, constant = row
            merged = {}
            for coefficient, index in terms:
                merged[index] = merged.get(index, 0) + coefficient
            for engine, columns in ((solver, self.columns), (self.relaxed, self.lp_columns)):
                constraint = engine.Constraint(
                    low - constant if low > -INFINITY else -engine.infinity(),
                    high - constant if high < INFINITY else engine.infinity(),
                )
                for index, coefficient in merged.items():
                    constraint.SetCoefficient(columns[index], coefficient)
            self.rows.append(row)
        self.done = len(proto.constraints)
        return True

    def minimize(
        self, objective: cp_model.IntVar, seconds: float, incumbent: list[int] | None = None
    ) -> Outcome | None:
        """Minimise `objective` under every constraint of the model; None when HiGHS cannot answer.
        `incumbent`: a plan already known to meet every constraint (the last level's), if any.

        First the linear relaxation: its optimum rounded up (`floor`) is a proven bound, and often (the
        fairness sum's relaxation is usually exact) the answer or close to it. Every plan at most a little
        above it (`ceiling`) keeps the bounds reduced-cost fixing gives, so HiGHS first searches only
        there (on the benchmark's seeds 1, 2, 17: the same 4.0 s of CPU on average as the whole model, but
        4.3 s instead of 6.1 in the worst case). What it finds there, when proven, is the optimum of the whole model
        (any better plan would be there too); nothing there proves the ceiling + 1 a bound; only when
        neither settles it, nor leaves a plan within 0.5 % of the bound, does HiGHS search the whole model.
        The incumbent stands if nothing beats it."""
        deadline = time.perf_counter() + seconds  # the translation below counts too
        if not self.usable or not self._sync():
            self.usable = False
            return None
        known = None
        if incumbent is not None and len(incumbent) == len(self.columns) and self._meets(incumbent):
            known = Outcome(value=incumbent[objective.index], bound=-INFINITY, optimal=False, solution=incumbent)
        relaxed = self._relax(objective, deadline - time.perf_counter())
        floor, narrow, whole = self.domains[objective.index][0], None, None  # the domain: a bound, if a weak one
        if relaxed is not None:
            floor = max(floor, math.ceil(relaxed - TOLERANCE))
            ceiling = floor + ROOM if known is None else min(floor + ROOM, known.value - 1)
            if ceiling >= floor:
                bounds = self.implied_bounds(objective, ceiling)
                bounds.append((objective.index, self.domains[objective.index][0], ceiling))
                narrow = self._solve(objective, (deadline - time.perf_counter()) * NARROW_SHARE, bounds)
                if narrow is not None and narrow.optimal:
                    return narrow  # any better plan would have been in the narrowed model
                if narrow is None and self.status == pywraplp.Solver.INFEASIBLE:
                    floor = ceiling + 1  # proven: no plan at or below the ceiling
                elif narrow is not None:  # a plan below the ceiling was found but not proven
                    floor = max(floor, min(narrow.bound, ceiling + 1))
        best = min((f for f in (known, narrow) if f is not None), key=lambda f: f.value, default=None)
        if best is None or best.value - floor > CLOSE_ENOUGH * max(abs(best.value), 1):
            whole = self._solve(objective, deadline - time.perf_counter(), [])
        found = min((f for f in (best, whole) if f is not None), key=lambda f: f.value, default=None)
        if found is not None:
            found.bound = min(max(floor, whole.bound if whole is not None else floor), found.value)
            found.optimal = found.bound >= found.value
        return found

    def _meets(self, solution: list[int]) -> bool:
        """Whether `solution` meets every domain and every row."""
        if any(not low <= value <= high for (low, high), value in zip(self.domains, solution, strict=True)):
            return False
        return all(
            low <= constant + sum(coefficient * solution[index] for coefficient, index in terms) <= high
            for low, high, terms, constant in self.rows
        )

    def _relax(self, objective: cp_model.IntVar, seconds: float) -> float | None:
        """The optimum of the linear relaxation (None when it is not found in time); kept for the
        reduced costs of `implied_bounds`."""
        lp = self.relaxed
        lp.SetTimeLimit(max(int(seconds * 1000), 1))
        lp.Objective().Clear()
        lp.Objective().SetCoefficient(self.lp_columns[objective.index], 1)
        lp.Objective().SetMinimization()
        self.relaxed_for = None
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        self.relaxed_for = (objective.index, len(self.rows))
        return lp.Objective().Value()

    def _solve(self, objective: cp_model.IntVar, seconds: float, narrowed: list[tuple]) -> Outcome | None:
        """HiGHS on the model, with some variables' bounds narrowed for this search only."""
        if seconds <= 0:
            return None
        solver = self.solver
        for index, low, high in narrowed:
            self.columns[index].SetBounds(low, high)
        solver.SetTimeLimit(max(int(seconds * 1000), 1))
        solver.Objective().Clear()
        solver.Objective().SetCoefficient(self.columns[objective.index], 1)
        solver.Objective().SetMinimization()
        status = self.status = solver.Solve()
        answered = status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
        # Read before the bounds are put back (the solver forgets its answer when the model changes).
        solution = [round(column.solution_value()) for column in self.columns] if answered else None
        best_bound = solver.Objective().BestBound() if answered else None
        for index, _low, _high in narrowed:
            self.columns[index].SetBounds(*self.domains[index])
        if not answered:
            return None
        if not self._meets(solution):
            return None
        value = solution[objective.index]
        bound = math.ceil(best_bound - TOLERANCE)  # the objective is an integer
        optimal = status == pywraplp.Solver.OPTIMAL and bound >= value
        return Outcome(value=value, bound=min(bound, value), optimal=optimal, solution=solution)

    def implied_bounds(self, objective: cp_model.IntVar, value: int, seconds: float = 10.0) -> list[tuple]:
        """Bounds that every solution with `objective` <= `value` keeps: (index, low, high) for the
        variables that gain one. Reduced-cost fixing from the linear relaxation: for any solution,
        objective >= LP optimum + the sum over the non-basic variables of their reduced cost times their
        distance from the bound where the LP left them; so a variable whose reduced cost exceeds
        (value - LP optimum) cannot leave that bound. With a margin for the LP's tolerances."""
        if not self.usable or not self._sync():
            return []
        if self.relaxed_for != (objective.index, len(self.rows)) and self._relax(objective, seconds) is None:
            return []
        slack = value - self.relaxed.Objective().Value()
        if slack < -MARGIN:  # the LP says the value cannot be reached: something is off, change nothing
            return []
        found = []
        for index, column in enumerate(self.lp_columns):
            low, high = self.domains[index]
            cost, at = column.reduced_cost(), column.solution_value()
            if cost > slack + MARGIN and abs(at - low) < 1e-9:
                new = low + math.floor((max(slack, 0) + MARGIN) / cost)
                if new < high:
                    found.append((index, low, new))
            elif cost < -(slack + MARGIN) and abs(at - high) < 1e-9:
                new = high - math.floor((max(slack, 0) + MARGIN) / -cost)
                if new > low:
                    found.append((index, new, high))
        return found
