"""Reads for hand-outs outside a distribution day: what the station's rules read about a household at
the desk, the basket proposed, the goods it last received, and the lists of hand-outs."""

# household_facts builds SQL text from table names (Model._meta) and the station's own fragments only;
# every value goes in as a query parameter.
# ruff: noqa: S608

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, Q
from django.utils import timezone

from core.db.sql import as_date, in_centre

from ..models import Card, Collection, DistributionDay, Enrolment, Handout, Household, Person, Programme
from .baskets import NO_NEEDS, BasketLine, basket_for, basket_of_day, member_counts_for, needs_by_household
from .scan import card_columns


def context_day(programme, location, on: date) -> DistributionDay:
    """A day-shaped stand-in, never saved, for the station's rules on a hand-out: on `on`, at `location`,
    under `programme`, planned. Its id 0 matches no day: "collected on this day" finds nothing and every
    collection of the month counts (a hand-out is not on a day; `received_today` says whether the
    household received goods today)."""
    day = DistributionDay(date=on, location=location, programme=programme, status=DistributionDay.Status.PLANNED)
    day.pk = 0
    return day


def household_facts(household_id: int, day: DistributionDay) -> dict:
    """The station's columns (`selectors.scan.card_columns`) for a household rather than a card: size,
    first name, enrolment, eligibility's end, collections this month (hand-outs included). One statement."""
    columns, params = card_columns(day, [])
    household_t = connection.ops.quote_name(Household._meta.db_table)
    params.append(household_id)
    sql = (f"SELECT {', '.join(columns)} FROM (SELECT h.id AS household_id FROM {household_t} h "
           f"WHERE h.id = %s AND {in_centre('h', params)}) c")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return {}
    names = [column.rsplit(" AS ", 1)[1] for column in columns]
    facts = dict(zip(names, row, strict=True))
    facts["enrolled_now"] = bool(facts["enrolled_now"])
    facts["eligible_until"] = as_date(facts["eligible_until"])
    facts.setdefault("collections_this_month", 0)
    return facts


def active_card(household_id: int) -> Card | None:
    return Card.objects.filter(household_id=household_id, status__in=Card.ACTIVE_STATUSES).order_by("-id").first()


@dataclass
class Received:
    """Goods a household received: on a distribution day or in a hand-out."""

    on: date
    at: object
    where: str
    by: object
    kind: str  # "collection" or "handout"


def last_received(household_id: int, *, before=None) -> Received | None:
    """The household's latest collection (not cancelled) or hand-out, whatever the programme."""
    found = []
    collection = (Collection.objects.filter(household_id=household_id, cancelled_at__isnull=True)
                  .select_related("day__location", "by").order_by("-day__date", "-at").first())
    if collection is not None:
        found.append(Received(collection.day.date, collection.at, collection.day.location.name, collection.by,
                              "collection"))
    handout = Handout.objects.filter(household_id=household_id, cancelled_at__isnull=True).select_related(
        "location", "by").order_by(
        "-date", "-at").first()
    if handout is not None:
        found.append(Received(handout.date, handout.at, handout.location.name, handout.by, "handout"))
    return max(found, key=lambda r: (r.on, r.at)) if found else None


def received_today(household_id: int, programme_id: int, on: date) -> Received | None:
    """A collection on a day dated `on` or a hand-out on `on`, under the programme: the hand-out's form of
    "once per distribution day"."""
    collection = (Collection.objects.filter(household_id=household_id, cancelled_at__isnull=True, day__date=on,
                                            day__programme_id=programme_id)
                  .select_related("day__location", "by").first())
    if collection is not None:
        return Received(on, collection.at, collection.day.location.name, collection.by, "collection")
    handout = (Handout.objects.filter(household_id=household_id, programme_id=programme_id, date=on,
                                      cancelled_at__isnull=True)
               .select_related("location", "by").order_by("-at").first())
    if handout is not None:
        return Received(on, handout.at, handout.location.name, handout.by, "handout")
    return None


def default_programme(household, chosen=None):
    """The programme a hand-out is under unless another is chosen: `chosen` (an id) when it is an active
    programme, else the household's current enrolment's, else the first active programme."""
    programmes = Programme.objects.filter(is_active=True)
    if chosen and str(chosen).isdigit():
        found = programmes.filter(pk=chosen).first()
        if found is not None:
            return found
    current = (Enrolment.objects.current_on(timezone.localdate()).filter(household=household, programme__is_active=True)
               .select_related("programme").order_by("-end").first())
    return current.programme if current else programmes.first()


def plan_day(programme, location, on: date) -> DistributionDay | None:
    """The distribution day whose basket a hand-out proposes: the programme's latest day at the location
    on or before `on` that has a basket, else its next one, else its latest anywhere (`location` None: at any
    location)."""
    days = (DistributionDay.objects.filter(programme=programme, basket_rules__isnull=False)
            .exclude(status=DistributionDay.Status.CANCELLED).distinct())
    here = days.filter(location=location) if location is not None else days
    return (here.filter(date__lte=on).order_by("-date").first() or here.filter(date__gt=on).order_by("date").first()
            or days.order_by("-date").first())


def proposed_basket(programme, location, on: date, *, household=None, people: int = 1) -> list[BasketLine]:
    """The basket the station would hand to this household (or to `people` anonymous people: the
    per-member lines without an age limit count each of them) on the programme's plan day."""
    if programme is None:
        return []
    day = plan_day(programme, location, on)
    if day is None:
        return []
    rules = basket_of_day(day)
    if household is not None:
        household = (Household.objects.filter(pk=household.pk)
                     .prefetch_related(Prefetch("members", queryset=Person.objects.all())).get())
        size = len(household.members.all())
        needs = needs_by_household([household.pk], rules).get(household.pk, NO_NEEDS)
        return basket_for(rules, size, member_counts_for(household, rules, on), needs, on)
    counts = {rule.pk: people for rule in rules if rule.min_age is None and rule.max_age is None}
    return basket_for(rules, people, counts)


def quantity_text(value: Decimal) -> str:
    return str(value.normalize()) if value != value.to_integral_value() else str(value.quantize(Decimal(1)))


def handouts(*, location_id=None, kind=None, anonymous=None, start=None, end=None):
    """Hand-outs, newest first, for the list page and the API."""
    qs = Handout.objects.select_related("location", "programme", "by", "delivered_by")
    if location_id:
        qs = qs.filter(location_id=location_id)
    if kind:
        qs = qs.filter(kind=kind)
    if anonymous is not None:
        qs = qs.filter(household__isnull=anonymous)
    if start:
        qs = qs.filter(date__gte=start)
    if end:
        qs = qs.filter(date__lte=end)
    return qs.order_by("-at", "-id")


def household_handouts(household: Household):
    """The household's hand-outs (its history), a merged household's own included."""
    return (Handout.objects.filter(Q(household=household) | Q(household__merged_into=household))
            .select_related("location", "programme", "by").order_by("-at", "-id"))


def goods_received(household: Household, limit: int = 20) -> list[dict]:
    """The household's history of goods: its collections (not cancelled) and hand-outs, newest first."""
    collections = (Collection.objects.filter(household=household, cancelled_at__isnull=True)
                   .select_related("day__location", "day__programme").order_by("-at")[:limit])
    rows = [{"at": c.at, "what": c.day.programme.name, "where": c.day.location.name, "basket": c.basket,
             "handout": None} for c in collections]
    rows += [{"at": h.at, "what": h.get_kind_display(), "where": h.location.name, "basket": h.basket, "handout": h}
             for h in household_handouts(household).filter(cancelled_at__isnull=True)[:limit]]
    return sorted(rows, key=lambda row: row["at"], reverse=True)[:limit]
