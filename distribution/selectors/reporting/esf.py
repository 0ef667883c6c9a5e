"""ESF+ figures: the end recipients counted once per period by support kind and target group, the
net goods handed out (kg, €, food groups, children's goods), the drill-downs behind each figure and
the nationalities that count as third countries. The rules: see `distribution.selectors.reporting`."""

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from core.db.sql import as_date as _as_date
from core.db.sql import in_list as _in_list
from core.db.sql import materialized as _materialized
from core.db.sql import table as _table
from core.db.sql import ymd as _ymd
from core.matching import match_keyer
from inventory.models import Item, KitHandedOut

from ...models import Collection, DistributionDay, Handout, Household, MembershipHistory, Person
from ..days import COLLECTION_DOCUMENT
from .handouts import anonymous_people_sql, handout_label, handout_value_from, handouts_where
from .period import (
    COUNTED_EUR,
    COUNTED_ITEM,
    COUNTED_KG,
    COUNTED_QUANTITY,
    COUNTED_UNIT_EUR,
    COUNTED_UNIT_KG,
    PLAIN_COUNTED,
    Period,
    _dec,
    _period_where,
    _reporting_cursor,
    _value_from,
)

SUPPORTS = ("any", "food", "material")


GROUPS = ("children", "young", "women", "senior", "disability", "third_country", "foreign_minority", "homeless")


# Item categories whose value counts as goods for children (see the allocation rule in reports).
CHILDREN_ITEM_CATEGORIES = (Item.Category.BABY, Item.Category.SCHOOL)


def _age(at: str) -> str:
    """Age in whole years on the date `at` (as Person.age_on: birth date, else the stand-in kept after
    anonymisation, else birth year, else NULL)."""
    return (f"(CASE WHEN p.birth_date IS NOT NULL THEN ({_ymd(at)} - {_ymd('p.birth_date')}) / 10000"
            f" WHEN p.reporting_birth_date IS NOT NULL THEN ({_ymd(at)} - {_ymd('p.reporting_birth_date')}) / 10000"
            f" WHEN p.birth_year IS NOT NULL THEN {_ymd(at)} / 10000 - p.birth_year END)")


FOOD_GROUPS = [code for code, _label in Item.FoodGroup.choices]


def _collections_cte(period: Period, params: list) -> str:
    """CTEs `ev`: each collection of the period (not cancelled) and each hand-out of the period to a
    household outside a distribution day, as (household, on_date, has_food, has_goods); and `hh`: per
    household, its first one, its first that handed out food and other goods (has_food / has_goods, written
    with them), and how many. One narrow row per household."""
    where = _period_where(period, params)
    handouts = handouts_where(period, params)
    return f"""
    ev AS (
        SELECT c.household_id, d.date AS on_date, c.has_food, c.has_goods
        FROM {_table(Collection)} c JOIN {_table(DistributionDay)} d ON d.id = c.day_id
        WHERE {where}
        UNION ALL
        SELECT ho.household_id, ho.date, ho.has_food, ho.has_goods FROM {_table(Handout)} ho
        WHERE ho.household_id IS NOT NULL AND {handouts}
    ),
    hh AS (
        SELECT household_id, MIN(on_date) AS first_any, COUNT(*) AS collections,
               MIN(CASE WHEN has_food THEN on_date END) AS first_food,
               MIN(CASE WHEN has_goods THEN on_date END) AS first_material
        FROM ev GROUP BY household_id
    )"""  # noqa: S608 - only table names and our own fragments are interpolated; values are parameters


def _answer(expr: str) -> str:
    """A category answer as 'yes', 'no' or '' (not declared)."""
    return f"(CASE WHEN {expr} IN ('yes', 'no') THEN {expr} ELSE '' END)"


def _member_since(joined: str) -> str:
    """The first day of a membership: the later of the joining date and the birth date (alias p)."""
    return (f"(CASE WHEN {joined} IS NULL THEN p.birth_date WHEN p.birth_date IS NULL OR {joined} >= p.birth_date "
            f"THEN {joined} ELSE p.birth_date END)")


def _root(alias: str) -> str:
    """The row a merged household or person lives on as (itself when not merged)."""
    return f"COALESCE({alias}.merged_into_id, {alias}.id)"


def _member_on(since: str, until: str, day: str) -> str:
    return f"(({since}) IS NULL OR ({since}) <= {day}) AND ({until} IS NULL OR {until} >= {day})"


def _people_cte(period: Period, params: list) -> str:
    """CTEs up to `people`: one row per person counted in the period, with the first collection day of
    each kind of support they were counted for, their ages on those days and their answers.

    Membership in time: a person is counted for a collection only if they were a member of the
    collecting household on its day (born and joined on or before it, not left before it), through
    their row in the household or a membership of a household merged away (MembershipHistory). A
    person who was a member for the whole period takes the household's first days (`hh`); the few
    others (born, joined or left within the period, or merged) are matched collection by collection.
    A person merged into another (registered twice) counts as that one; a household merged into
    another counts as that one (its `homeless` answer)."""
    sql = f"WITH {_collections_cte(period, params)},"
    since = _member_since("p.joined_on")
    # A member for the whole period: on its first day and on its last.
    whole = f"(({since}) IS NULL OR ({since}) <= %s) AND (p.left_on IS NULL OR p.left_on >= %s)"
    params.extend([period.start, period.end, period.start, period.end])  # `whole` twice, in that order
    history = _table(MembershipHistory)
    firsts = ("MIN(c.on_date), MIN(CASE WHEN c.has_food THEN c.on_date END), "
              "MIN(CASE WHEN c.has_goods THEN c.on_date END), COUNT(*)")
    household_t = _table(Household)
    person_t = _table(Person)
    # The facts the figures read, of the person a row stands for (the row kept, for a person merged into
    # another), carried along so that no statement goes back to the people table per person.
    facts = ["sex", "disability", "minority", "nationality_group", "birth_date", "reporting_birth_date", "birth_year"]
    fact = {f: f"(CASE WHEN rp.id IS NULL THEN p.{f} ELSE rp.{f} END)" for f in facts}
    plain = ", ".join(f"{fact[f]} AS {f}" for f in facts)
    grouped = ", ".join(f"MIN({fact[f]})" for f in facts)
    kept = f"LEFT JOIN {person_t} rp ON rp.id = p.merged_into_id"
    sql += f"""
    hr AS (
        SELECT hh.*, {_root('h')} AS root_id, r.homeless AS root_homeless
        FROM hh JOIN {household_t} h ON h.id = hh.household_id JOIN {household_t} r ON r.id = {_root('h')}
    ),
    spans AS (
        SELECT {_root('p')} AS person_id, hr.root_id, hr.root_homeless, hr.first_any, hr.first_food,
               hr.first_material, hr.collections, {plain}
        FROM hr JOIN {person_t} p ON p.household_id = hr.household_id {kept}
        WHERE {whole}
        UNION ALL
        SELECT {_root('p')}, hr.root_id, hr.root_homeless, {firsts}, {grouped}
        FROM hr JOIN {person_t} p ON p.household_id = hr.household_id {kept}
        JOIN ev c ON c.household_id = p.household_id
        WHERE NOT ({whole}) AND {_member_on(since, "p.left_on", "c.on_date")}
        GROUP BY {_root('p')}, hr.root_id, hr.root_homeless
        UNION ALL
        SELECT {_root('p')}, {_root('h')}, r.homeless, {firsts}, {grouped}
        FROM {history} mh JOIN {person_t} p ON p.id = mh.person_id {kept}
        JOIN {household_t} h ON h.id = mh.household_id JOIN {household_t} r ON r.id = {_root('h')}
        JOIN ev c ON c.household_id = mh.household_id
        WHERE {_member_on(_member_since("mh.joined_on"), "mh.left_on", "c.on_date")}
        GROUP BY {_root('p')}, {_root('h')}, r.homeless
    ),
    agg AS (
        SELECT person_id, MIN(root_id) AS household_id, MIN(first_any) AS first_any, MIN(first_food) AS first_food,
               MIN(first_material) AS first_material, SUM(collections) AS collections,
               MAX(CASE WHEN root_homeless = 'yes' THEN 2 WHEN root_homeless = '' THEN 1 ELSE 0 END) AS homeless_rank,
               {", ".join(f"MIN({f}) AS {f}" for f in facts)}
        FROM spans GROUP BY person_id
    ),"""  # noqa: S608 - see _collections_cte
    materialized = _materialized()
    sql += f"""
    people AS {materialized}(
        SELECT p.person_id, p.household_id, p.first_any, p.first_food, p.first_material, p.collections,
               {_age('p.first_any')} AS age_any, {_age('p.first_food')} AS age_food,
               {_age('p.first_material')} AS age_material,
               p.sex AS sex, p.disability AS disability,
               (CASE p.homeless_rank WHEN 2 THEN 'yes' WHEN 1 THEN '' ELSE 'no' END) AS homeless,
               (CASE p.nationality_group WHEN 'TC' THEN 'yes' WHEN '' THEN '' ELSE 'no' END) AS third_country,
               (CASE WHEN p.minority = 'yes' OR p.nationality_group IN ('EU', 'TC') THEN 'yes'
                WHEN p.minority = '' THEN '' ELSE 'no' END) AS foreign_minority, NULL AS handout_id
        FROM agg p{anonymous_people_sql(period, params)}
    )"""  # noqa: S608 - see _collections_cte
    return sql


def _households_counted() -> str:
    """Households that collected in the period (CTE `hh`), a household merged into another counted as
    that one."""
    return "(SELECT COUNT(DISTINCT root_id) FROM hr)"


def _group_conditions(group: str, support: str) -> dict:
    """{"yes": sql, "not_declared": sql}: a target group's conditions on a row of `people`."""
    age = f"age_{support}"
    if group == "children":
        return {"yes": f"{age} < 18", "not_declared": f"{age} IS NULL"}
    if group == "young":
        return {"yes": f"{age} BETWEEN 18 AND 29", "not_declared": f"{age} IS NULL"}
    if group == "senior":
        return {"yes": f"{age} >= 65", "not_declared": f"{age} IS NULL"}
    if group == "women":
        return {"yes": "sex = 'F'", "not_declared": "sex = ''"}
    if group in ("disability", "homeless", "third_country", "foreign_minority"):
        return {"yes": f"{group} = 'yes'", "not_declared": f"{group} = ''"}
    raise ValueError(group)


def _first(support: str) -> str:
    return {"any": "first_any", "food": "first_food", "material": "first_material"}[support]


def esf_figures(period: Period) -> dict:
    """Every ESF+ figure of a period, in two statements:

    "counts": `recipient_counts`, "values": `value_rows` — net goods handed out, per the households'
    answer about homelessness, valued at the unit value and weight recorded on each movement.
    """
    return {"counts": recipient_counts(period), "values": value_rows(period)}


def recipient_counts(period: Period) -> dict:
    """The people figures, one statement: {support: {"total": n, group: {"yes": n, "not_declared": n}}},
    "households": n."""
    params: list = []
    sql = _people_cte(period, params)
    columns, keys = [], []
    for support in SUPPORTS:
        first = _first(support)
        columns.append(f"SUM(CASE WHEN {first} IS NOT NULL THEN 1 ELSE 0 END)")
        keys.append((support, "total", None))
        for group in GROUPS:
            for answer, condition in _group_conditions(group, support).items():
                columns.append(f"SUM(CASE WHEN {first} IS NOT NULL AND ({condition}) THEN 1 ELSE 0 END)")
                keys.append((support, group, answer))
    columns.append(_households_counted())
    keys.append(("households", None, None))
    sql += f" SELECT {', '.join(columns)} FROM people"  # noqa: S608 - our own fragments
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    counts: dict = {support: {"total": 0, **{g: {"yes": 0, "not_declared": 0} for g in GROUPS}}
                    for support in SUPPORTS}
    counts["households"] = 0
    for (support, group, answer), value in zip(keys, row, strict=True):
        value = int(value or 0)
        if support == "households":
            counts["households"] = value
        elif answer is None:
            counts[support]["total"] = value
        else:
            counts[support][group][answer] = value
    return counts


def value_rows(period: Period) -> list[dict]:
    """Net goods handed out in the period's collections, per answer of the household about
    homelessness ("yes", "no", "" not declared): kg and € of food (also per food group) and of other
    goods, and € of goods of the children's item categories. One statement, a few dozen groups."""
    params: list = []
    # Items are looked up after the aggregation: the ledger side of the join stays narrow.
    # A kit counts as what it held when handed out (`kit_of_row`); a centre that never handed out a kit at
    # a collection has no row to look up for each of its ledger rows (a fifth of the statement's time).
    kits = KitHandedOut.objects.filter(document_type=COLLECTION_DOCUMENT).exists()
    with_sql, from_sql = _value_from(period, params, item=False, kits=kits)
    item, quantity, unit_kg, unit_eur = ((COUNTED_ITEM, COUNTED_QUANTITY, COUNTED_UNIT_KG, COUNTED_UNIT_EUR)
                                         if kits else PLAIN_COUNTED)
    counted = f"{item}, {unit_kg}, {unit_eur}"
    sql = f"""{with_sql} SELECT h.homeless, {counted}, -SUM({quantity})
              {from_sql}
              GROUP BY h.homeless, {counted}
              """  # noqa: S608 - see _collections_cte
    handout_params: list = []
    handout_sql = (f"SELECT COALESCE(h.homeless, ''), {counted}, "  # noqa: S608 - our own fragments
                   f"-SUM({COUNTED_QUANTITY}) {handout_value_from(period, handout_params, item=False, kits=True)} "
                   f"GROUP BY COALESCE(h.homeless, ''), {counted}")
    # The planner cannot see that a centre's collections are on the centre's days (it takes the two as
    # independent and expects a row or so), so it would sort a year's ~70,000 ledger rows of a centre to
    # group them: hashing them is a third faster (docs/benchmarks.md).
    with _reporting_cursor(period, hash_groups=True) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.execute(handout_sql, handout_params)  # hand-outs outside a day: anonymous ones not declared
        rows += cursor.fetchall()
    items = {i["id"]: i for i in Item.objects.filter(id__in={row[1] for row in rows})
             .values("id", "is_food", "category", "food_group")}
    rows = [(answer, items[item_id]["is_food"], items[item_id]["category"], items[item_id]["food_group"], unit_kg,
             unit_eur, quantity) for answer, item_id, unit_kg, unit_eur, quantity in rows]
    zero = Decimal("0")
    children = {str(c) for c in CHILDREN_ITEM_CATEGORIES}
    result: dict = {}
    # Σ quantity × unit value = Σ over the recorded unit values of (value × Σ quantity): one sum per row
    # in the database instead of two products and two sums, exactly the same result.
    for answer, is_food, category, food_group, unit_kg, unit_eur, quantity in rows:
        quantity = _dec(quantity)
        kg, eur = quantity * _dec(unit_kg), quantity * _dec(unit_eur)
        entry = result.setdefault(answer, {"homeless": answer, "food_kg": zero, "food_eur": zero, "goods_kg": zero,
                                           "goods_eur": zero, "children_eur": zero, "food_groups": {}})
        if is_food:
            entry["food_kg"] += kg
            entry["food_eur"] += eur
            group = entry["food_groups"].setdefault(food_group, {"kg": zero, "eur": zero})
            group["kg"] += kg
            group["eur"] += eur
        else:
            entry["goods_kg"] += kg
            entry["goods_eur"] += eur
            if category in children:
                entry["children_eur"] += eur
    return [result[key] for key in sorted(result)]


def recipient_rows(period: Period, *, support: str, group: str | None = None, answer: str = "yes",
                   limit: int | None = None) -> list[dict]:
    """The people behind one figure of `recipient_counts` (group None: all recipients of `support`).

    Rows: person_id, household_id, first (date of the first collection counted), age on that date,
    collections (the household's collections in the period). Ordered by household and person.
    """
    if support not in SUPPORTS or (group is not None and group not in GROUPS) or answer not in ("yes",
                                                                                                "not_declared"):
        raise ValueError("unknown figure")
    params: list = []
    sql = _people_cte(period, params)
    first = _first(support)
    condition = f"{first} IS NOT NULL"
    if group is not None:
        condition += f" AND ({_group_conditions(group, support)[answer]})"
    sql += (f" SELECT person_id, household_id, {first}, age_{support}, collections, handout_id FROM people"  # noqa: S608
            f" WHERE {condition} ORDER BY household_id, handout_id, person_id")
    if limit:
        sql += f" LIMIT {int(limit)}"
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [{"person_id": r[0], "household_id": r[1] if r[1] is not None else handout_label(r[5]),
             "first": _as_date(r[2]), "age": r[3], "collections": r[4]} for r in rows]


def people_facts(period: Period) -> list[dict]:
    """Every person counted in the period, with what the people figures read: the household they are
    counted under (the one a merged household lives on as), the first day of each kind of support, the
    ages then, sex and the answers. One statement (the drill-down of the whole report, for keeping a
    submitted report's households)."""
    params: list = []
    columns = ["person_id", "household_id", "first_any", "first_food", "first_material", "age_any", "age_food",
               "age_material", "sex", "disability", "homeless", "third_country", "foreign_minority", "handout_id"]
    sql = _people_cte(period, params) + f" SELECT {', '.join(columns)} FROM people"  # noqa: S608
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        entry = dict(zip(columns, row, strict=True))
        for key in ("first_any", "first_food", "first_material"):
            entry[key] = _as_date(entry[key])
        handout = entry.pop("handout_id")
        if entry["household_id"] is None:  # a person of an anonymous hand-out
            entry["household_id"] = f"handout-{handout}"
        result.append(entry)
    return result


def _age_band(support: str) -> str:
    """What the age groups read of a person's age for a kind of support (reports.submissions._age_band):
    NULL when she was not counted for it."""
    age = f"age_{support}"
    return (f"(CASE WHEN {_first(support)} IS NULL THEN NULL WHEN {age} IS NULL THEN 'not_declared' "
            f"WHEN {age} < 18 THEN 'child' WHEN {age} <= 29 THEN 'young' WHEN {age} >= 65 THEN 'senior' "
            "ELSE 'adult' END)")


def people_alike(period: Period) -> tuple[int, list[tuple]]:
    """The households figure and every person counted in the period as the region reads her, in one
    statement: (her match key or None, then what the people figures read: the age band of each kind of
    support, None when not counted for it, sex, and the answers about disability, homelessness, third
    country and foreign background). Two people with the same tail count in the same figures. The AMKA
    is read here, in the centre's own scope, and only its keyed hash (core.matching) leaves; the rest
    names no one."""
    params: list = []
    declared = ", ".join(f"people.{group}" for group in ("disability", "homeless", "third_country",
                                                          "foreign_minority"))
    # The households figure rides on each row (computed once: the sub-select reads no row of `people`).
    sql = (_people_cte(period, params) + f" SELECT {_households_counted()}, a.amka, "  # noqa: S608
           f"{', '.join(_age_band(s) for s in SUPPORTS)}, people.sex, {declared} "
           f"FROM people LEFT JOIN {_table(Person)} a ON a.id = people.person_id")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    key_of = match_keyer()
    households = rows[0][0] if rows else len(households_counted(period))  # no one counted: rare, asked apart
    return households, [(key_of(amka), *alike) for _households, amka, *alike in rows]


def households_counted(period: Period) -> list[int]:
    """The households of the households figure: those that collected, each merged one as the one it
    lives on as."""
    params: list = []
    sql = (f"WITH {_collections_cte(period, params)} SELECT DISTINCT {_root('h')} FROM hh "  # noqa: S608
           f"JOIN {_table(Household)} h ON h.id = hh.household_id")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def value_collections(period: Period, *, is_food: bool | None = None, categories=None, exclude_categories=None,
                      homeless: bool | None = None, limit: int | None = None) -> list[dict]:
    """The collections behind a value figure: id, date, household, net quantity, kg and € of the goods
    that match (food or not; item categories in / not in; household declared homeless or not)."""
    params: list = []
    with_sql, from_sql = _value_from(period, params)
    conditions, condition_params = _value_conditions(is_food, categories, exclude_categories, homeless)
    sums = f"SUM(-{COUNTED_QUANTITY}), SUM(-{COUNTED_KG}), SUM(-{COUNTED_EUR})"  # a kit as its contents
    sql = f"""{with_sql} SELECT c.id, c.date, c.household_id, {sums}
              {from_sql} AND {conditions}
              GROUP BY c.id, c.date, c.household_id
              HAVING SUM(-{COUNTED_QUANTITY}) <> 0
              ORDER BY c.date, c.id"""
    handout_params: list = []
    handout_sql = f"""SELECT c.id, c.date, c.household_id, {sums} {handout_value_from(period, handout_params)}
                      AND {conditions} GROUP BY c.id, c.date, c.household_id HAVING SUM(-{COUNTED_QUANTITY}) <> 0
                      ORDER BY c.date, c.id"""  # noqa: S608 - see _collections_cte
    if limit:
        sql += f" LIMIT {int(limit)}"
        handout_sql += f" LIMIT {int(limit)}"
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params + condition_params)
        rows = [(r, False) for r in cursor.fetchall()]
        cursor.execute(handout_sql, handout_params + condition_params)
        rows += [(r, True) for r in cursor.fetchall()]
    rows.sort(key=lambda pair: (_as_date(pair[0][1]), pair[1], pair[0][0]))
    found = []
    for r, is_handout in rows[:limit] if limit else rows:
        found.append({"collection_id": _("Hand-out %(id)s") % {"id": r[0]} if is_handout else r[0],
                      "date": _as_date(r[1]),
                      "household_id": r[2] if r[2] is not None else handout_label(r[0]),
                      "quantity": _dec(r[3]), "kg": _dec(r[4]), "eur": _dec(r[5])})
    return found


def _value_conditions(is_food, categories, exclude_categories, homeless) -> tuple[str, list]:
    """The filters of a value figure on the item `i` and the household `h` (none for an anonymous hand-out:
    its homelessness is not declared)."""
    conditions, params = ["1 = 1"], []
    if is_food is not None:
        conditions.append("i.is_food = %s")
        params.append(is_food)
    if categories:
        conditions.append(_in_list("i.category", categories, params))
    if exclude_categories:
        conditions.append("NOT " + _in_list("i.category", exclude_categories, params))
    if homeless is not None:
        conditions.append(f"COALESCE(h.homeless, '') {'=' if homeless else '<>'} 'yes'")
    return " AND ".join(conditions), params


def third_country_nationalities() -> list[str]:
    """The nationality codes recorded that count as third countries (stateless included)."""
    return sorted(Person.everyone.filter(nationality_group="TC").exclude(nationality="")
                  .values_list("nationality", flat=True).distinct().order_by())


def unresolved_nationalities() -> list[dict]:
    """Nationalities written as text that name no country (from before the list, or imported): each text
    and how many people have it, most frequent first. They count as not declared until resolved."""
    return list(Person.everyone.exclude(nationality_recorded="").values("nationality_recorded")
                .annotate(people=Count("id")).order_by("-people", "nationality_recorded"))
