"""The planner's translation of its CP-SAT model into a MIP for HiGHS (volunteers.planner.mip), on small
models whose optimum is worked out by hand, and against CP-SAT on the same models."""

import copy
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from volunteers.planner import mip, plan, solver

from .test_planner import problems


def test_every_kind_of_constraint_the_planner_uses():
    # a, b, c, d Booleans; n in 0..5.
    # at most one of (a, not b): b = 1 or a = 0; exactly one of (a, c); at least one of (c, not d);
    # 2a + 3c + n >= 7, n <= 4 + d. Minimise 5a + 4c + n - 2d.
    # a = 1: c = 0, b free, d free (c = 0 needs not d: d = 0); 2 + n >= 7: n = 5 > 4 + 0. Impossible.
    # a = 0: c = 1, 3 + n >= 7: n = 4 (d = 0) or n = 4 (d = 1, cheaper by 2): 4 + 4 - 2 = 6.
    model = cp_model.CpModel()
    a, b, c, d = (model.new_bool_var(x) for x in "abcd")
    n = model.new_int_var(0, 5, "n")
    model.add_at_most_one(a, ~b)
    model.add_exactly_one(a, c)
    model.add_bool_or(c, ~d)
    model.add(2 * a + 3 * c + n >= 7)
    model.add(n <= 4 + d)
    objective = model.new_int_var(-10, 20, "objective")
    model.add(objective == 5 * a + 4 * c + n - 2 * d)
    found = mip.Mip(model).minimize(objective, 5)
    assert (found.value, found.bound, found.optimal) == (6, 6, True)
    values = dict(zip("abcdn", (found.solution[v.index] for v in (a, b, c, d, n)), strict=True))
    assert values == {"a": 0, "b": values["b"], "c": 1, "d": 1, "n": 4}
    solver = cp_model.CpSolver()
    model.minimize(objective)
    assert solver.solve(model) == cp_model.OPTIMAL and solver.objective_value == 6


def test_constraints_added_later_are_translated_too():
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(4)]
    total = model.new_int_var(0, 4, "total")
    model.add(total == sum(x))
    model.add(x[0] + x[1] >= 1)
    highs = mip.Mip(model)
    assert highs.minimize(total, 5).value == 1
    model.add(x[2] + x[3] >= 1)
    assert highs.minimize(total, 5).value == 2


def test_a_constraint_it_does_not_know_leaves_the_level_to_cp_sat():
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    n = model.new_int_var(0, 3, "n")
    model.add(n >= 2).only_enforce_if(x)  # enforced constraints are not translated
    model.add(x + y >= 1)
    assert mip.Mip(model).minimize(n, 5) is None


def test_reduced_costs_fix_what_the_optimum_implies():
    # a + b >= 1, minimise a + 3b: the optimum is 1, only at a = 1, b = 0, and the relaxation's optimum is
    # 1 too. Depending on the basis, the relaxation shows a reduced cost of 2 on b (at 0) or of -2 on a
    # (at 1): more than the room between optimum and relaxation (0), so that variable cannot move.
    model = cp_model.CpModel()
    a, b = model.new_bool_var("a"), model.new_bool_var("b")
    model.add(a + b >= 1)
    objective = model.new_int_var(0, 4, "objective")
    model.add(objective == a + 3 * b)
    highs = mip.Mip(model)
    found = highs.minimize(objective, 5)
    assert (found.value, found.optimal) == (1, True)
    implied = highs.implied_bounds(objective, found.value)
    assert implied and set(implied) <= {(a.index, 1, 1), (b.index, 0, 0)}
    # Up to 3, both (1, 0) and (0, 1) are allowed: nothing may be fixed.
    assert highs.implied_bounds(objective, 3) == []


def test_relaxation_far_below_the_optimum():
    # Four separate triangles, each needing two of its three corners (every edge covered): the relaxation
    # takes every corner at one half (6), the optimum is 2 per triangle (8). The search near the
    # relaxation's bound (up to 7) finds nothing, which proves 8 a bound; the whole model then gives 8.
    model = cp_model.CpModel()
    corners = [[model.new_bool_var(f"t{t}c{c}") for c in range(3)] for t in range(4)]
    for a, b, c in corners:
        model.add(a + b >= 1)
        model.add(b + c >= 1)
        model.add(c + a >= 1)
    total = model.new_int_var(0, 12, "total")
    model.add(total == sum(sum(t) for t in corners))
    found = mip.Mip(model).minimize(total, 5)
    assert (found.value, found.bound, found.optimal) == (8, 8, True)
    assert all(sum(found.solution[v.index] for v in t) == 2 for t in corners)


def test_a_known_plan_at_the_relaxations_bound_needs_no_search():
    # Minimise x + y with x + y >= 1.5 (x, y in 0..3): the relaxation gives 1.5, so 2 is a bound; the plan
    # already known (x = 2, y = 0) reaches it and is returned as proven optimal; a plan that breaks a
    # constraint is never taken as known.
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 3, "x"), model.new_int_var(0, 3, "y")
    model.add(2 * x + 2 * y >= 3)
    objective = model.new_int_var(0, 6, "objective")
    model.add(objective == x + y)
    known = [0] * 3
    known[x.index], known[y.index], known[objective.index] = 2, 0, 2
    found = mip.Mip(model).minimize(objective, 5, incumbent=known)
    assert (found.value, found.bound, found.optimal, found.solution) == (2, 2, True, known)
    broken = [0] * 3  # x + y = 0 breaks 2x + 2y >= 3
    found = mip.Mip(model).minimize(objective, 5, incumbent=broken)
    assert (found.value, found.optimal) == (2, True) and found.solution != broken


def test_no_time_at_all_keeps_the_known_plan_with_an_honest_bound():
    # With (almost) no time, neither the relaxation nor HiGHS answers: the known plan stands, and the only
    # bound claimed is the objective's own lower limit (here 1).
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(40)]
    for i in range(40):
        model.add(x[i] + x[(i + 1) % 40] + x[(i + 7) % 40] >= 1)
    objective = model.new_int_var(1, 40, "objective")
    model.add(objective == sum(x))
    known = [1] * len(model.proto.variables)
    known[objective.index] = 40
    found = mip.Mip(model).minimize(objective, 0, incumbent=known)
    assert found.value <= 40 and 1 <= found.bound <= found.value


@st.composite
def problems_with_preferences(draw):
    problem = draw(problems())
    ids = [p.id for p in problem.people]
    problem.people = [
        dataclasses.replace(
            p,
            preferred_sites=frozenset(draw(st.sets(st.integers(1, 2), max_size=1))),
            likes_with=frozenset(draw(st.sets(st.sampled_from(ids), max_size=2))) - {p.id},
        )
        for p in problem.people
    ]
    return problem


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_with_preferences())
def test_highs_and_cp_sat_reach_the_same_optimum_at_every_level(problem):
    problem.time_limit = 20
    with_highs = plan(copy.deepcopy(problem))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solver, "MIP_LEVELS", ())  # every objective by CP-SAT, as before HiGHS
        alone = plan(copy.deepcopy(problem))
    assert with_highs.optimal and alone.optimal
    assert [(lv.name, lv.value) for lv in with_highs.levels] == [(lv.name, lv.value) for lv in alone.levels]
