"""Hand-outs outside distribution days in the reports: per month and kind, to households and anonymous,
with people and the goods' kg and € (the hand-outs' own totals, written with them)."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from ...models import Handout
from .period import Period


def period_handouts(period: Period):
    """The period's hand-outs (dated start..end), of the period's programme and location when it has one."""
    qs = Handout.objects.filter(date__gte=period.start, date__lte=period.end)
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
