"""The scan's read: the day's plan (kept a few seconds per process) and the card with everything
about its household, in one plain SQL statement each."""

# _card_and_day builds SQL text from table names (Model._meta) and fixed fragments only; every
# value goes in as a query parameter.
# ruff: noqa: S608

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection

from core.db import rows
from core.db.sql import as_date, in_centre, in_list, string_agg
from core.db.ttl_cache import TTLCache
from core.models import Location
from core.tenancy import scope_centre_ids
from inventory.models import Item, KitComponent
from inventory.selectors import with_kit_bills

from ..identifiers import hash_token, parse_code
from ..models import (
    BasketRule,
    BasketSubstitution,
    Card,
    Collection,
    DistributionDay,
    Enrolment,
    Handout,
    Household,
    HouseholdNeed,
    Person,
    Programme,
)
from .baskets import NEEDS_COLUMN, Basket, member_rule_key


def day_plan(day_id) -> tuple[DistributionDay | None, Basket]:
    """The day (with programme and location) and its basket: rules with items (a kit's item with its
    bill as `kit_bill`: what the collection's totals count) and the substitutions for needs with the
    items they give (a `Basket`), in one plain SQL query (every scan reads it; the ORM's select_related
    over five tables cost more CPU than the query). The substitutions are joined beside the rules
    (rules × substitutions rows: a handful, read every PLAN_SECONDS at most); the bills of the kits
    they give, when there are any, in one more query."""
    try:
        day_id = int(day_id)
    except (TypeError, ValueError):
        return None, Basket()
    quote = connection.ops.quote_name
    params = [day_id]
    table = {model: quote(model._meta.db_table)
             for model in (DistributionDay, Programme, Location, BasketRule, Item, KitComponent, BasketSubstitution)}
    sql = (f"SELECT {rows.select_list(DistributionDay, 'd')}, {rows.select_list(Programme, 'p')}, "
           f"{rows.select_list(Location, 'l')}, {rows.select_list(BasketRule, 'r')}, {rows.select_list(Item, 'i')}, "
           f"{rows.select_list(KitComponent, 'k')}, {rows.select_list(Item, 'ci')}, "
           f"{rows.select_list(BasketSubstitution, 's')}, {rows.select_list(Item, 'si')} "
           f"FROM {table[DistributionDay]} d JOIN {table[Programme]} p ON p.id = d.programme_id "
           f"JOIN {table[Location]} l ON l.id = d.location_id "
           f"LEFT JOIN {table[BasketRule]} r ON r.day_id = d.id LEFT JOIN {table[Item]} i ON i.id = r.item_id "
           f"LEFT JOIN {table[KitComponent]} k ON k.kit_id = i.id LEFT JOIN {table[Item]} ci ON ci.id = k.component_id "
           f"LEFT JOIN {table[BasketSubstitution]} s ON s.day_id = d.id "
           f"LEFT JOIN {table[Item]} si ON si.id = s.item_id "
           f"WHERE d.id = %s AND {in_centre('d', params)} ORDER BY r.id, k.id, s.id")
    found = rows.fetch_joined((DistributionDay, Programme, Location, BasketRule, Item, KitComponent, Item,
                               BasketSubstitution, Item), sql, params)
    if not found:
        return None, Basket()
    day, programme, location = found[0][:3]
    day.programme, day.location = programme, location
    rules: dict[int, BasketRule] = {}
    parts, substitutions = set(), {}
    for _day, _programme, _location, rule, item, part, component, substitution, given in found:
        if substitution is not None and substitution.pk not in substitutions:
            substitution.item = given
            substitutions[substitution.pk] = substitution
        if rule is None:
            continue
        if rule.pk not in rules:
            rule.day, rule.item, item.kit_bill = day, item, []
            rules[rule.pk] = rule
        if part is not None and (rule.pk, part.pk) not in parts:
            parts.add((rule.pk, part.pk))
            rules[rule.pk].item.kit_bill.append((component, part.quantity))
    if substitutions:
        with_kit_bills([sub.item for sub in substitutions.values()])
    return day, Basket(rules.values(), sorted(substitutions.values(), key=lambda s: s.pk), on=day.date)


# Every scan needs the day's plan: its programme, location, basket rules and their items. A process
# keeps it for PLAN_SECONDS instead of reading it for every card (it was one statement and ten model
# instances per scan). What must be exact is read fresh with the card in the same statement: the
# day's row (status, date, programme, location, updated_at): a closed or moved day is refused at the
# very next scan, and a plan whose day row changed (set_basket touches it) is read again at once.
# Edits of an item, the programme or the location reach the process that made them at once (the
# signals in distribution/apps.py) and the other processes within PLAN_SECONDS.
PLAN_SECONDS = 5.0
_plans = TTLCache(PLAN_SECONDS, most=100, shared="scan-plans")  # day id -> (day, rules); Redis: 0.1 s
forget_scan_plans = _plans.forget


@dataclass
class ScanRead:
    """What one scan read: the day (fresh row, with the plan's programme and location), the basket
    rules, and the card (None when no card matches the code)."""

    day: DistributionDay
    rules: list[BasketRule]
    card: Card | None


def _in_scope(day: DistributionDay) -> bool:
    """Whether a plan kept by this process (for any centre's request) is of a day of the centre in scope."""
    ids = scope_centre_ids()
    return ids is None or day.centre_id in ids


def read_for_scan(day_id, code: str, *, before_card=None) -> ScanRead | None:
    """The day's plan and the card that `code` names; None when there is no such day in the centre in
    scope (the card too is looked up among the centre's cards only: another centre's is unknown).
    `before_card(day, parsed)`: called with the planned day and the parsed code (or None) before the
    card is read (the scan takes its lock there: `services.scans`)."""
    try:
        day_id = int(day_id)
    except (TypeError, ValueError):
        return None
    parsed = parse_code(code)
    for _attempt in range(2):
        plan = _plans.get(day_id)
        if plan is not None and not _in_scope(plan[0]):
            return None  # another centre's day: not there for this one
        if plan is None:
            plan = day_plan(day_id)
            if plan[0] is None:
                return None
            _plans.keep(day_id, plan)
        planned, rules = plan
        if before_card is not None:
            before_card(planned, parsed)
        fresh, card = _card_and_day(parsed, planned, rules)
        if fresh is None:  # the day was deleted
            _plans.drop(day_id)
            return None
        if (fresh.updated_at, fresh.date, fresh.programme_id, fresh.location_id) == (
                planned.updated_at, planned.date, planned.programme_id, planned.location_id):
            fresh.programme, fresh.location = planned.programme, planned.location
            return ScanRead(fresh, rules, card)
        _plans.drop(day_id)  # the plan changed since it was read: read it again
    fresh.programme, fresh.location = planned.programme, planned.location  # changing as we read: rare
    return ScanRead(fresh, rules, card)


def _card_and_day(parsed, day: DistributionDay, rules) -> tuple[DistributionDay | None, Card | None]:
    """The day's row, fresh, and the card a scanner read or a person typed, with everything the scan
    needs, in ONE query: the household's status and size, the first name, eligibility in the day's
    programme on the day's date, the collection of this day (if any), collections this month,
    members per per-member rule (the rules and the date as planned: `read_for_scan` compares them).

    Written as one plain SQL statement (standard SQL: PostgreSQL and SQLite): building the same
    query with the ORM's Subquery/Exists expressions cost more CPU than running it. The rules it
    repeats come from their one home, in SQL form: enrolment (`Enrolment.current_on_sql`,
    `effective_end_sql`) and the members a per-member rule counts (`BasketRule.members_sql`); the
    parity tests (tests/distribution/test_rule_parity.py) hold the answers to the ORM and Python forms.
    Parsing is the households part's (`distribution.identifiers.parse_code`): QR text, barcode or a
    typed card number. `card.matched_by` is "token" or "number".
    """
    quote = connection.ops.quote_name
    card_t, household_t = Card._meta.db_table, Household._meta.db_table
    day_t = DistributionDay._meta.db_table
    columns, params = card_columns(day, rules)
    if parsed is None:
        lookup = "c.id IS NULL"  # not a card code: the day's row only
    else:
        kind, value = parsed
        lookup = "c.token_hash = %s" if kind == "token" else "c.number = %s"
        params.append(hash_token(value) if kind == "token" else value)
    # The centre in scope (the device token's or the person's: no query) for the card and the day: a card
    # number names one card within a centre, and another centre's card or day is not found.
    lookup += f" AND {in_centre('c', params)}"
    params.append(day.pk)
    sql = (f"SELECT {rows.select_list(DistributionDay, 'dd')}, {rows.select_list(Card, 'c')}, "
           f"h.status AS household_status, {', '.join(columns)} "
           f"FROM {quote(day_t)} dd LEFT JOIN {card_t} c ON {lookup} "
           f"LEFT JOIN {household_t} h ON h.id = c.household_id WHERE dd.id = %s AND {in_centre('dd', params)}")
    if connection.vendor == "postgresql":
        # The day's row in key-share mode, the lock the collection's and the scan's foreign keys take at the
        # commit anyway, taken now: the other half of locks.lock_day_plan (a plan being replaced and a scan
        # wait for each other).
        sql += " FOR KEY SHARE OF dd"
    found = rows.fetch_joined((DistributionDay, Card), sql, params, extra=_extra(columns), extra_on=1)
    if not found:
        return None, None
    fresh, card = found[0]
    if card is not None:
        card.matched_by = parsed[0]
        _convert(card)
    return fresh, card


def _extra(columns) -> list[str]:
    return ["household_status"] + [column.rsplit(" AS ", 1)[1] for column in columns]


def _convert(card: Card) -> None:
    card.enrolled_now = bool(card.enrolled_now)
    card.eligible_until = as_date(card.eligible_until)  # SQLite returns dates of an expression as text


def card_columns(day: DistributionDay, rules) -> tuple[list[str], list]:
    """The columns (with their parameters) that the scan's rules read about a card `c` of a household
    on `day`: size, first name, enrolment, eligibility's end, today's collection, collections this
    month, members per per-member rule. One home for the scan (one card) and the day's manifest (every
    card that may come): both then decide with `services.scans.scan_refusal`."""
    person_t, enrolment_t, collection_t = Person._meta.db_table, Enrolment._meta.db_table, Collection._meta.db_table
    day_t, handout_t = DistributionDay._meta.db_table, Handout._meta.db_table
    on = day.date
    enrolled_now, enrolled_params = Enrolment.current_on_sql("e", on)
    columns = [
        f"(SELECT COUNT(*) FROM {person_t} p WHERE p.household_id = c.household_id AND p.left_on IS NULL) "
        f"AS member_count",
        f"(SELECT p.first_name FROM {person_t} p WHERE p.household_id = c.household_id AND p.is_reference = %s "
        f"ORDER BY p.id LIMIT 1) AS reference_first_name",
        f"(SELECT COUNT(*) FROM {enrolment_t} e WHERE e.household_id = c.household_id AND e.programme_id = %s "
        f"AND {enrolled_now}) AS enrolled_now",
        f"(SELECT MAX({Enrolment.effective_end_sql('e')}) FROM {enrolment_t} e "
        f"WHERE e.household_id = c.household_id AND e.programme_id = %s AND e.start <= %s) AS eligible_until",
        f"(SELECT co.id FROM {collection_t} co WHERE co.household_id = c.household_id AND co.day_id = %s "
        f"AND co.cancelled_at IS NULL LIMIT 1) AS collected_today_id",
    ]
    params = [True, day.programme_id, *enrolled_params, day.programme_id, on, day.pk]
    limit = day.programme.max_collections_per_month
    if limit:
        month_start = on.replace(day=1)
        next_month = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
        # Hand-outs outside a day under the programme count too (the same monthly limit).
        columns.append(
            f"((SELECT COUNT(*) FROM {collection_t} co JOIN {day_t} d ON d.id = co.day_id "
            f"WHERE co.household_id = c.household_id AND co.cancelled_at IS NULL AND d.programme_id = %s "
            f"AND d.date >= %s AND d.date < %s AND co.day_id <> %s) + (SELECT COUNT(*) FROM {handout_t} ho "
            f"WHERE ho.household_id = c.household_id AND ho.programme_id = %s AND ho.date >= %s AND ho.date < %s "
            f"AND ho.cancelled_at IS NULL))"
            f" AS collections_this_month")
        params += [day.programme_id, month_start, next_month, day.pk, day.programme_id, month_start, next_month]
    for rule in rules:
        if rule.basis != BasketRule.Basis.MEMBER:
            continue
        conditions, condition_params = rule.members_sql("p", on)
        params += condition_params
        columns.append(f"(SELECT COUNT(*) FROM {person_t} p WHERE p.household_id = c.household_id "
                       f"AND p.left_on IS NULL{conditions}) "
                       f"AS {member_rule_key(rule)}")
    need_ids = sorted({sub.need_id for sub in getattr(rules, "substitutions", ())})
    if need_ids:
        # Only when the day adapts its basket to needs, and only the needs it names: the household's
        # and its current members' (with their birth dates), read as selectors.baskets.needs_from_text.
        need_t = HouseholdNeed._meta.db_table
        text = ("CAST(n.need_id AS TEXT) || ':' || COALESCE(CAST(n.person_id AS TEXT), '') || ':' || "
                "COALESCE(CAST(p.birth_date AS TEXT), '')")
        columns.append(f"(SELECT {string_agg(text)} FROM {need_t} n LEFT JOIN {person_t} p ON p.id = n.person_id "
                       f"WHERE n.household_id = c.household_id AND {in_list('n.need_id', need_ids, params)} "
                       f"AND (n.person_id IS NULL OR p.left_on IS NULL)) AS {NEEDS_COLUMN}")
    return columns, params


def cards_of_day(day: DistributionDay, rules, *, card_ids=None) -> list[Card]:
    """Every card that may come to `day` (the cards of the households ever enrolled in its programme;
    `card_ids`: only those), each with the same columns as the scan's card (`card_columns`), in one
    statement. Cards never printed (no token, no number) cannot be scanned and are left out."""
    quote = connection.ops.quote_name
    card_t, household_t, enrolment_t = Card._meta.db_table, Household._meta.db_table, Enrolment._meta.db_table
    columns, params = card_columns(day, rules)
    params.append(day.programme_id)
    where = (f"c.household_id IN (SELECT e.household_id FROM {enrolment_t} e WHERE e.programme_id = %s) "
             f"AND (c.token_hash IS NOT NULL OR c.number IS NOT NULL) AND {in_centre('c', params)}")
    if card_ids is not None:
        ids = sorted({int(pk) for pk in card_ids}) or [0]
        if connection.vendor == "postgresql":  # one array parameter: one statement text whatever the count
            where += " AND c.id = ANY(%s)"
            params.append(ids)
        else:
            where += f" AND c.id IN ({', '.join(['%s'] * len(ids))})"
            params += ids
    sql = (f"SELECT {rows.select_list(Card, 'c')}, h.status AS household_status, {', '.join(columns)} "
           f"FROM {quote(card_t)} c JOIN {quote(household_t)} h ON h.id = c.household_id WHERE {where} ORDER BY c.id")
    cards = [card for (card,) in rows.fetch_joined((Card,), sql, params, extra=_extra(columns), extra_on=0)]
    for card in cards:
        card.matched_by = "token"
        _convert(card)
    return cards
