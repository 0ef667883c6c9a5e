"""Hand-outs outside distribution days in the reports: per month and kind, to households and anonymous,
with people and the goods' kg and € (the hand-outs' own totals, written with them)."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from core.db.sql import in_centre
from core.db.sql import table as _table
from inventory.models import StockMovement

from ...models import Handout, Household
from ...models.handouts import HANDOUT_DOCUMENT
from .period import Period, item_of_row, kit_of_row


def period_handouts(period: Period):
    """The period's hand-outs not cancelled (dated start..end), of its programme and location if it has one."""
    qs = Handout.objects.filter(date__gte=period.start, date__lte=period.end, cancelled_at__isnull=True)
    if period.programme_id:
        qs = qs.filter(programme_id=period.programme_id)
    if period.location_id:
        qs = qs.filter(location_id=period.location_id)
    return qs


def handouts_by_month(period: Period) -> list[dict]:
    """Per month and kind: hand-outs, to households, anonymous, people, food kg/€ and other goods kg/€."""
    zero = Decimal("0")
    rows = (period_handouts(period).annotate(month=TruncMonth("date")).values("month", "kind")
            .annotate(handouts=Count("id"), households=Count("id", filter=Q(household__isnull=False)),
                      anonymous=Count("id", filter=Q(household__isnull=True)), people=Sum("people"),
                      food_kg=Sum("food_kg"), food_eur=Sum("food_value_eur"), goods_kg=Sum("goods_kg"),
                      goods_eur=Sum("goods_value_eur"))
            .order_by("month", "kind"))
    labels = dict(Handout.Kind.choices)
    return [{**row, "month": row["month"].strftime("%Y-%m"), "kind_label": labels.get(row["kind"], row["kind"]),
             **{key: row[key] or zero for key in ("food_kg", "food_eur", "goods_kg", "goods_eur")}}
            for row in rows]


# --- In the ESF+ figures ------------------------------------------------------------------------
# A hand-out to a household counts as a collection of that household (esf._collections_cte). An anonymous
# one counts its people, each as a person whose characteristics are not declared, except the age group
# and sex the hand-out declares: each declared age group stands for an age inside it, so that the figures'
# own conditions (esf._group_conditions) place the person in that group.
AGE_OF_GROUP = {"aged_under_18": 10, "aged_18_29": 20, "aged_30_64": 40, "aged_65_up": 70}


def handouts_where(period: Period, params: list, alias: str = "ho") -> str:
    """The period's hand-outs not cancelled (alias `ho`) as SQL conditions, with their parameters appended."""
    where = [f"{alias}.cancelled_at IS NULL", f"{alias}.date >= %s", f"{alias}.date <= %s"]
    params.extend([period.start, period.end])
    if period.programme_id:
        where.append(f"{alias}.programme_id = %s")
        params.append(period.programme_id)
    if period.location_id:
        where.append(f"{alias}.location_id = %s")
        params.append(period.location_id)
    where.append(in_centre(alias, params))  # the centre in scope (plain SQL bypasses CentreManager)
    return " AND ".join(where)


def anonymous_people(period: Period) -> list[tuple]:
    """One row per person of the period's anonymous hand-outs: (first_any, first_food, first_material, age,
    sex, handout id)."""
    people = []
    for handout in period_handouts(period).filter(household__isnull=True).order_by("id"):
        ages = [age for name, age in AGE_OF_GROUP.items() for _n in range(getattr(handout, name))]
        ages += [None] * (handout.people - len(ages))
        sexes = ["F"] * handout.women + ["M"] * handout.men
        sexes += [""] * (handout.people - len(sexes))
        on = handout.date
        for age, sex in zip(ages, sexes, strict=True):
            people.append((on, on if handout.has_food else None, on if handout.has_goods else None, age, sex,
                           handout.pk))
    return people


def anonymous_people_sql(period: Period, params: list) -> str:
    """UNION ALL branches of the `people` CTE (esf._people_cte) for the anonymous hand-outs' people: no
    person, no household, one collection, the declared age and sex, every other answer not declared."""
    branches = []
    for first_any, first_food, first_material, age, sex, handout_id in anonymous_people(period):
        branches.append(" UNION ALL SELECT NULL, NULL, %s, %s, %s, 1, %s, %s, %s, %s, '', '', '', '', %s")
        params.extend([first_any, first_food, first_material, age, age, age, sex, handout_id])
    return "".join(branches)


def handout_label(handout_id) -> str:
    """How a figure's drill-down names an anonymous hand-out (in place of a household)."""
    return _("Anonymous hand-out %(id)s") % {"id": handout_id}


def handout_value_from(period: Period, params: list, *, item: bool = True, kits: bool = False) -> str:
    """FROM … WHERE of the ledger rows of the period's hand-outs: the hand-out as `c` (c.id, c.household_id,
    c.date), the household as `h` (absent for an anonymous one: LEFT JOIN), the row as `m`, (`item`) the
    item it counts as `i` (a kit as its contents: `period.item_of_row`)."""
    where = handouts_where(period, params, alias="c")
    params.append(HANDOUT_DOCUMENT)
    ledger = in_centre("m", params)  # the ledger's rows of the centre in scope (inventory is swept)
    return f"""
        FROM {_table(Handout)} c LEFT JOIN {_table(Household)} h ON h.id = c.household_id
        JOIN {_table(StockMovement)} m ON m.document_key = c.id
        {item_of_row() if item else kit_of_row() if kits else ""}
        WHERE {where} AND m.document_type = %s AND {ledger}"""  # noqa: S608 - table names only
