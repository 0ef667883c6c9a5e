"""Set-based read queries for the reports app (ESF+ indicators, distribution reports).

Contract (used by `reports`, which no app imports):

* `Period(start, end, programme_id=None, location_id=None)` selects the collections that were not
  cancelled, of distribution days dated start..end (inclusive), optionally of one programme/location.
* `recipient_counts(period)` — end recipients (people) counted once
  per period, by support kind (any / food / material) and target group, yes and not declared.
* `recipient_rows(period, support, group, ...)` — the people behind one of those figures (drill-down).
* `esf_figures(period)` — all of it in two statements: the people figures, and the
  net goods handed out (kg, €, food groups, children's goods) per household answer about homelessness.
* `value_collections(period, is_food, ...)` — the collections behind a value figure (drill-down).
* `third_country_nationalities()`, `unresolved_nationalities()` — what counted as third countries, and
  the typed nationalities that name no country (listed for staff, counted as not declared).

Everything is aggregated in the database (one statement per figure set), so the cost does not grow
with Python loops over collections. The SQL is plain and portable between PostgreSQL and SQLite
except for small vendor-specific fragments (dates as numbers, month keys, casts, bit aggregates, a
materialised CTE), written once in core.db.sql.

Rules (docs/reports.md):
* a person is a member of a household that had at least one collection in the period; they are
  counted once however often the household collected;
* a person received food (material) support when at least one of those collections handed out food
  (non-food) items, according to the stock ledger (a "distributed" row of such an item);
* the person's age is taken on the date of their household's first collection in the period (of that
  support kind); a person with neither birth date nor birth year has an undeclared age;
* a category answer that is missing ("not declared") is counted as not declared, never guessed.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, F, Prefetch

from core.db.sql import as_date as _as_date
from core.db.sql import as_decimal as _as_decimal
from core.db.sql import bit_or as _bit_or
from core.db.sql import day_start as _day_start
from core.db.sql import in_list as _in_list
from core.db.sql import materialized as _materialized
from core.db.sql import month_key as _month
from core.db.sql import reporting_cursor
from core.db.sql import table as _table
from core.db.sql import ymd as _ymd
from inventory.models import Item, StockMovement

from ..models import Collection, DistributionDay, Household, MembershipHistory, Person, Programme
from .days import COLLECTION_DOCUMENT  # document_type of a collection's stock movements

SUPPORTS = ("any", "food", "material")
GROUPS = ("children", "young", "women", "senior", "disability", "third_country", "foreign_minority", "homeless")
# Item categories whose value counts as goods for children (see the allocation rule in reports).
CHILDREN_ITEM_CATEGORIES = (Item.Category.BABY, Item.Category.SCHOOL)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    programme_id: int | None = None
    location_id: int | None = None


# A period up to this many days is short: it reads a small part of each table, through indexes.
SHORT_PERIOD_DAYS = 92


def _short(period: Period) -> bool:
    return (period.end - period.start).days < SHORT_PERIOD_DAYS


def _reporting_cursor(period: Period):
    """core.db.sql.reporting_cursor, without parallel workers for a short period: they pay off when most
    of a table is read, and for a month the planner would still read every collection ever recorded in
    parallel (to spread the month's ledger look-ups over the workers), a cost that grows with the
    history, not with the month."""
    return reporting_cursor(parallel=not _short(period))


def _age(at: str) -> str:
    """Age in whole years on the date `at` (as Person.age_on: birth date, else the stand-in kept after
    anonymisation, else birth year, else NULL)."""
    return (f"(CASE WHEN p.birth_date IS NOT NULL THEN ({_ymd(at)} - {_ymd('p.birth_date')}) / 10000"
            f" WHEN p.reporting_birth_date IS NOT NULL THEN ({_ymd(at)} - {_ymd('p.reporting_birth_date')}) / 10000"
            f" WHEN p.birth_year IS NOT NULL THEN {_ymd(at)} / 10000 - p.birth_year END)")


FOOD_GROUPS = [code for code, _label in Item.FoodGroup.choices]


def _collections_cte(period: Period, params: list) -> str:
    """CTE `hh`: per household that collected in the period, its first collection, its first collection
    that handed out food and other goods (the collection's has_food / has_goods, written with it), and
    how many collections. One narrow row per household, from the collections alone."""
    where = _period_where(period, params)
    return f"""
    hh AS (
        SELECT c.household_id, MIN(d.date) AS first_any, COUNT(*) AS collections,
               MIN(CASE WHEN c.has_food THEN d.date END) AS first_food,
               MIN(CASE WHEN c.has_goods THEN d.date END) AS first_material
        FROM {_table(Collection)} c JOIN {_table(DistributionDay)} d ON d.id = c.day_id
        WHERE {where}
        GROUP BY c.household_id
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
    part_where = _period_where(period, params)
    history_where = _period_where(period, params)
    collections, days, history = _table(Collection), _table(DistributionDay), _table(MembershipHistory)
    firsts = ("MIN(d.date), MIN(CASE WHEN c.has_food THEN d.date END), MIN(CASE WHEN c.has_goods THEN d.date END), "
              "COUNT(*)")
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
        JOIN {collections} c ON c.household_id = p.household_id JOIN {days} d ON d.id = c.day_id
        WHERE NOT ({whole}) AND {part_where} AND {_member_on(since, "p.left_on", "d.date")}
        GROUP BY {_root('p')}, hr.root_id, hr.root_homeless
        UNION ALL
        SELECT {_root('p')}, {_root('h')}, r.homeless, {firsts}, {grouped}
        FROM {history} mh JOIN {person_t} p ON p.id = mh.person_id {kept}
        JOIN {household_t} h ON h.id = mh.household_id JOIN {household_t} r ON r.id = {_root('h')}
        JOIN {collections} c ON c.household_id = mh.household_id JOIN {days} d ON d.id = c.day_id
        WHERE {history_where} AND {_member_on(_member_since("mh.joined_on"), "mh.left_on", "d.date")}
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
                WHEN p.minority = '' THEN '' ELSE 'no' END) AS foreign_minority
        FROM agg p
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

    "counts": {support: {"total": n, group: {"yes": n, "not_declared": n}}}, "households": n,
    "values": [{"homeless": "yes"/"no"/"", "food_kg", "food_eur", "goods_kg", "goods_eur", "children_eur",
                "food_groups": {code: {"kg", "eur"}}}] — net goods handed out, per the households' answer
    about homelessness, valued at the unit value and weight recorded on each movement.
    """
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
    return {"counts": counts, "values": value_rows(period)}


def value_rows(period: Period) -> list[dict]:
    """Net goods handed out in the period's collections, per answer of the household about
    homelessness ("yes", "no", "" not declared): kg and € of food (also per food group) and of other
    goods, and € of goods of the children's item categories. One statement, a few dozen groups."""
    params: list = []
    # Items are looked up after the aggregation: the ledger side of the join stays narrow.
    with_sql, from_sql = _value_from(period, params, item=False)
    sql = f"""{with_sql} SELECT h.homeless, m.item_id, m.unit_weight_kg, m.unit_value_eur, -SUM(m.quantity)
              {from_sql}
              GROUP BY h.homeless, m.item_id, m.unit_weight_kg, m.unit_value_eur
              """  # noqa: S608 - see _collections_cte
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
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


def recipient_counts(period: Period) -> dict:
    """The people figures of `esf_figures` alone."""
    return esf_figures(period)["counts"]


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
    sql += (f" SELECT person_id, household_id, {first}, age_{support}, collections FROM people"  # noqa: S608
            f" WHERE {condition} ORDER BY household_id, person_id")
    if limit:
        sql += f" LIMIT {int(limit)}"
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [{"person_id": r[0], "household_id": r[1], "first": _as_date(r[2]), "age": r[3], "collections": r[4]}
            for r in rows]


def people_facts(period: Period) -> list[dict]:
    """Every person counted in the period, with what the people figures read: the household they are
    counted under (the one a merged household lives on as), the first day of each kind of support, the
    ages then, sex and the answers. One statement (the drill-down of the whole report, for keeping a
    submitted report's households)."""
    params: list = []
    columns = ["person_id", "household_id", "first_any", "first_food", "first_material", "age_any", "age_food",
               "age_material", "sex", "disability", "homeless", "third_country", "foreign_minority"]
    sql = _people_cte(period, params) + f" SELECT {', '.join(columns)} FROM people"  # noqa: S608
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for row in rows:
        entry = dict(zip(columns, row, strict=True))
        for key in ("first_any", "first_food", "first_material"):
            entry[key] = _as_date(entry[key])
        result.append(entry)
    return result


def households_counted(period: Period) -> list[int]:
    """The households of the households figure: those that collected, each merged one as the one it
    lives on as."""
    params: list = []
    sql = (f"WITH {_collections_cte(period, params)} SELECT DISTINCT {_root('h')} FROM hh "  # noqa: S608
           f"JOIN {_table(Household)} h ON h.id = hh.household_id")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _value_from(period: Period, params: list, *, household: bool = True, item: bool = True) -> tuple[str, str]:
    """(WITH clause, FROM … WHERE clause) of the ledger rows of the period's collections: the query goes
    `{with} SELECT … {from}`, the collection as `c` (c.id, c.household_id, c.date), the ledger row as `m`.

    A collection's ledger rows carry its id as the number `document_key` (indexed with the document
    type). A short period reads its collections through the (day, at) index and each one's rows
    through that index: the cost follows the collections of the period, and the planner's estimates
    are right (three or so rows per collection at any size of the ledger).

    A long period is read as a whole: its ledger rows are those of its days (with a day's margin for
    time zones), through the index on `at`, and the corrections after them (a cancelled or partly
    returned basket; the scan refuses any other day), through the partial index on (reason, at), joined
    to the collections by a hash on the integer key. For a short period that window is left out: it
    selects nothing more, and the planner, taking it as independent of the key, would expect a fraction
    of the rows (the smaller the longer the history) and choose sorts and loops for them."""
    where = _period_where(period, params)
    with_sql = f"""WITH pc AS (
        SELECT c.id, c.household_id, d.date
        FROM {_table(Collection)} c JOIN {_table(DistributionDay)} d ON d.id = c.day_id WHERE {where})"""  # noqa: S608
    conditions = "m.document_type = %s"
    params.append(COLLECTION_DOCUMENT)
    if not _short(period):
        conditions += " AND ((m.at >= %s AND m.at < %s) OR (m.reason = %s AND m.at >= %s))"
        upper = _day_start(period.end + timedelta(days=2))
        params.extend([_day_start(period.start - timedelta(days=1)), upper, StockMovement.Reason.CORRECTION.value,
                       upper])
    from_sql = f"""
        FROM pc c
        {f"JOIN {_table(Household)} h ON h.id = c.household_id" if household else ""}
        JOIN {_table(StockMovement)} m ON m.document_key = c.id
        {f"JOIN {_table(Item)} i ON i.id = m.item_id" if item else ""}
        WHERE {conditions}"""
    return with_sql, from_sql


def value_collections(period: Period, *, is_food: bool | None = None, categories=None, exclude_categories=None,
                      homeless: bool | None = None, limit: int | None = None) -> list[dict]:
    """The collections behind a value figure: id, date, household, net quantity, kg and € of the goods
    that match (food or not; item categories in / not in; household declared homeless or not)."""
    params: list = []
    with_sql, from_sql = _value_from(period, params)
    conditions = ["1 = 1"]
    if is_food is not None:
        conditions.append("i.is_food = %s")
        params.append(is_food)
    if categories:
        conditions.append(_in_list("i.category", categories, params))
    if exclude_categories:
        conditions.append("NOT " + _in_list("i.category", exclude_categories, params))
    if homeless is not None:
        conditions.append(f"h.homeless {'=' if homeless else '<>'} 'yes'")
    sql = f"""{with_sql} SELECT c.id, c.date, c.household_id, SUM(-m.quantity), SUM(-m.quantity * m.unit_weight_kg),
                     SUM(-m.quantity * m.unit_value_eur)
              {from_sql} AND {' AND '.join(conditions)}
              GROUP BY c.id, c.date, c.household_id
              HAVING SUM(-m.quantity) <> 0
              ORDER BY c.date, c.id"""
    if limit:
        sql += f" LIMIT {int(limit)}"
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [{"collection_id": r[0], "date": _as_date(r[1]), "household_id": r[2], "quantity": _dec(r[3]),
             "kg": _dec(r[4]), "eur": _dec(r[5])} for r in rows]


def _dec(value) -> Decimal:
    return _as_decimal(value, places=6)  # quantity (3 places) × unit weight or value


def third_country_nationalities() -> list[str]:
    """The nationality codes recorded that count as third countries (stateless included)."""
    return sorted(Person.everyone.filter(nationality_group="TC").exclude(nationality="")
                  .values_list("nationality", flat=True).distinct().order_by())


def unresolved_nationalities() -> list[dict]:
    """Nationalities written as text that name no country (from before the list, or imported): each text
    and how many people have it, most frequent first. They count as not declared until resolved."""
    return list(Person.everyone.exclude(nationality_recorded="").values("nationality_recorded")
                .annotate(people=Count("id")).order_by("-people", "nationality_recorded"))


def programmes():
    """Programmes to choose from in report filters."""
    return Programme.objects.order_by("name")


def households_by_id(ids) -> dict:
    """Households with their members, for a drill-down page (ids from the rows above)."""
    return Household.objects.prefetch_related(Prefetch("members", queryset=Person.everyone.all())).in_bulk(list(ids))


def people_by_id(ids) -> dict:
    return Person.everyone.in_bulk(list(ids))


def period_collections(period: Period):
    """The period's collections (not cancelled) as a queryset, for lists and per-day/month reports."""
    qs = Collection.objects.filter(cancelled_at__isnull=True, day__date__gte=period.start, day__date__lte=period.end)
    if period.programme_id:
        qs = qs.filter(day__programme_id=period.programme_id)
    if period.location_id:
        qs = qs.filter(day__location_id=period.location_id)
    return qs


def collections_of(period: Period, household_ids, limit: int = 2000) -> list[dict]:
    """The period's collections of some households (drill-down), oldest first."""
    return list(period_collections(period).filter(household_id__in=list(household_ids))
                .order_by("day__date", "at", "id")
                .values("id", "household_id", "station", "at", "household_size", day_date=F("day__date"),
                        location=F("day__location__name"))[:limit])


def _period_where(period: Period, params: list) -> str:
    """The period's distribution days (alias d) and their collections not cancelled (alias c)."""
    return "c.cancelled_at IS NULL AND " + _days_where(period, params)


def goods_by_item(period: Period) -> list[dict]:
    """The one pass over the ledger of the distribution report: net quantity, kg and € handed out per item
    in the period's collections. The database sums quantities per item and recorded unit weight/value
    (a few dozen groups); kg and € are multiplied out here, exactly."""
    params: list = []
    with_sql, from_sql = _value_from(period, params, household=False, item=False)
    sql = (f"{with_sql} SELECT m.item_id, m.unit_weight_kg, m.unit_value_eur, -SUM(m.quantity) {from_sql} "  # noqa: S608
           f"GROUP BY m.item_id, m.unit_weight_kg, m.unit_value_eur")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    zero = Decimal("0")
    per_item: dict = {}
    for item_id, unit_kg, unit_eur, quantity in rows:
        quantity = _dec(quantity)
        entry = per_item.setdefault(item_id, {"item_id": item_id, "quantity": zero, "kg": zero, "eur": zero})
        entry["quantity"] += quantity
        entry["kg"] += quantity * _dec(unit_kg)
        entry["eur"] += quantity * _dec(unit_eur)
    return list(per_item.values())


def _days_where(period: Period, params: list) -> str:
    where = ["d.date >= %s", "d.date <= %s"]
    params.extend([period.start, period.end])
    if period.programme_id:
        where.append("d.programme_id = %s")
        params.append(period.programme_id)
    if period.location_id:
        where.append("d.location_id = %s")
        params.append(period.location_id)
    return " AND ".join(where)


def _per_day(period: Period) -> list[dict]:
    """Per distribution day of the period with collections: collections (= households, one collection per
    household and day), people (household sizes summed) and the collections' food/goods kg and €. One
    hash aggregate over the collections, a row per day."""
    params: list = []
    days = _days_where(period, params)
    sql = (f"SELECT c.day_id, COUNT(*), SUM(c.household_size), SUM(c.food_kg), SUM(c.food_value_eur), "  # noqa: S608
           f"SUM(c.goods_kg), SUM(c.goods_value_eur) FROM {_table(Collection)} c "
           f"WHERE c.cancelled_at IS NULL AND c.day_id IN (SELECT d.id FROM {_table(DistributionDay)} d "
           f"WHERE {days}) GROUP BY c.day_id")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [{"day_id": r[0], "collections": r[1], "people": int(r[2] or 0), "food_kg": _dec(r[3]),
             "food_eur": _dec(r[4]), "goods_kg": _dec(r[5]), "goods_eur": _dec(r[6])} for r in rows]


def _distinct_households(period: Period) -> tuple[dict, dict]:
    """Households that collected per month ({"YYYY-MM": n}) and per location ({location id: n}), each
    household counted once per month / location, in one pass over the collections: per household, the
    set of months and the set of locations where it collected, as bit masks (a bit per month / location
    of the period, numbered by DENSE_RANK over the days), counted here. On PostgreSQL the masks are
    BIT_OR aggregates (hashed, in parallel; COUNT(DISTINCT ...) would sort half a million rows); SQLite has
    no BIT_OR, and SUM(DISTINCT power of two) is the same number."""
    params: list = []
    days = _days_where(period, params)
    month = _month("d.date")
    sql = (f"SELECT {_bit_or('CAST(1 AS BIGINT) << dd.month_bit')}, "  # noqa: S608
           f"{_bit_or('CAST(1 AS BIGINT) << dd.location_bit')} FROM {_table(Collection)} c "
           f"JOIN (SELECT d.id, CAST(DENSE_RANK() OVER (ORDER BY {month}) - 1 AS INTEGER) AS month_bit, "
           f"CAST(DENSE_RANK() OVER (ORDER BY d.location_id) - 1 AS INTEGER) AS location_bit "
           f"FROM {_table(DistributionDay)} d "
           f"WHERE {days}) dd ON dd.id = c.day_id WHERE c.cancelled_at IS NULL GROUP BY c.household_id")
    days_qs = DistributionDay.objects.filter(date__gte=period.start, date__lte=period.end)
    if period.programme_id:
        days_qs = days_qs.filter(programme_id=period.programme_id)
    if period.location_id:
        days_qs = days_qs.filter(location_id=period.location_id)
    dates_and_locations = list(days_qs.values_list("date", "location_id"))
    months = sorted({day.strftime("%Y-%m") for day, _location in dates_and_locations})
    locations = sorted({location for _day, location in dates_and_locations})
    if max(len(months), len(locations)) > 62:  # more than a BIGINT holds (over five years of months)
        raise ValueError("period too long for the household counts")
    with _reporting_cursor(period) as cursor:
        cursor.execute(sql, params)
        masks = cursor.fetchall()
    per_month, per_location = [0] * len(months), [0] * len(locations)
    for month_mask, location_mask in masks:
        for counts, mask in ((per_month, int(month_mask)), (per_location, int(location_mask))):
            while mask:
                low = mask & -mask
                counts[low.bit_length() - 1] += 1
                mask ^= low
    return dict(zip(months, per_month, strict=True)), dict(zip(locations, per_location, strict=True))


def collections_by(period: Period, by: str, *, with_goods: bool = False, per_day=None,
                   households=None) -> list[dict]:
    """Distribution days, collections, distinct households and people (members when they collected) per
    "month", "day" or "location", in that order; `with_goods`: also food and other goods kg and € (the
    collections' own totals). No ledger involved: one aggregate per day (`per_day`, computed unless given),
    rolled up here, and one count of distinct households per month and location (`households`: the
    result of _distinct_households, computed unless given)."""
    per_day = {row["day_id"]: row for row in (per_day if per_day is not None else _per_day(period))}
    days = (DistributionDay.objects.filter(pk__in=list(per_day))
            .values("id", "date", "location_id", "location__name", "programme__name"))
    if by == "day":
        households = {}
    else:
        households = (households or _distinct_households(period))[0 if by == "month" else 1]
    figures = ["collections", "people", "food_kg", "food_eur", "goods_kg", "goods_eur"]
    zero = Decimal("0")
    groups: dict = {}
    for day in days:
        if by == "day":
            key = (day["date"], day["location__name"], day["programme__name"], day["id"])
            head = {"date": day["date"], "location": day["location__name"], "programme": day["programme__name"],
                    "day_id": day["id"]}
        elif by == "month":
            key = (day["date"].strftime("%Y-%m"),)
            head = {"month": key[0]}
        else:
            key = (day["location__name"], day["location_id"])
            head = {"location": key[0], "location_id": key[1]}
        entry = groups.setdefault(key, {**head, "days": 0, **{f: zero if "_" in f else 0 for f in figures}})
        entry["days"] += 1
        for figure in figures:
            entry[figure] += per_day[day["id"]][figure]
    result = []
    for key in sorted(groups):
        entry = groups[key]
        entry["households"] = (entry["collections"] if by == "day" else
                               households.get(entry["month"] if by == "month" else entry["location_id"], 0))
        if not with_goods:
            for figure in figures[2:]:
                del entry[figure]
        result.append(entry)
    return result


def distribution_overview(period: Period) -> dict:
    """Everything the distribution report shows: {"month", "day", "location": rows of `collections_by` with
    food_kg, food_eur, goods_kg, goods_eur; "items": per item (one pass over the ledger)}."""
    per_day, households = _per_day(period), _distinct_households(period)
    result = {by: collections_by(period, by, with_goods=True, per_day=per_day, households=households)
              for by in ("month", "day", "location")}
    goods = goods_by_item(period)
    items = {i["id"]: i for i in Item.objects.filter(id__in={g["item_id"] for g in goods})
             .values("id", "name_el", "unit", "is_food", "food_group")}
    result["items"] = sorted(({**line, "name": items[line["item_id"]]["name_el"],
                               **{k: items[line["item_id"]][k] for k in ("unit", "is_food", "food_group")}}
                              for line in goods), key=lambda r: r["name"])
    return result


def distribution_by(period: Period, by: str) -> list[dict]:
    """Rows of `distribution_overview` for one breakdown ("month", "day" or "location")."""
    return distribution_overview(period)[by]


def distributed_by_item(period: Period) -> list[dict]:
    """Net quantity, kg and € per item handed out in the period's collections."""
    return distribution_overview(period)["items"]


def refusals_by_reason(period: Period) -> list[dict]:
    """Scans refused at the tables in the period, per outcome (reason), most frequent first."""
    from ..models import Scan

    qs = Scan.objects.exclude(outcome=Scan.Outcome.COLLECTED).filter(day__date__gte=period.start,
                                                                      day__date__lte=period.end)
    if period.programme_id:
        qs = qs.filter(day__programme_id=period.programme_id)
    if period.location_id:
        qs = qs.filter(day__location_id=period.location_id)
    labels = dict(Scan.Outcome.choices)
    return [{"outcome": row["outcome"], "label": labels.get(row["outcome"], row["outcome"]), "scans": row["n"]}
            for row in qs.values("outcome").annotate(n=Count("id")).order_by("-n", "outcome")]
