"""Searching households and people, the household page, eligibility that expires soon."""

import re
from datetime import timedelta

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from core.text import search_terms

from ..identifiers import parse_code
from ..models import Card, Enrolment, Household, Person, phone_digits


def people_matching(query: str):
    """People whose name, AMKA, other identifier, phone or card number matches what was typed.

    Names: accent-, case- and Greek/Latin-insensitive (core.text; trigram index on PostgreSQL).
    Digits are matched exactly on indexed columns: an 11-digit AMKA, a whole phone number (10 digits,
    with or without +30), a card number (8 digits with a valid check digit). Only the conditions that
    fit the shape of the query are asked, so each search stays on its index.
    """
    query = (query or "").strip()
    people = Person.objects.all()  # anonymised people have no names or numbers left to match
    compact = re.sub(r"[\s\-./+()]", "", query)
    if not compact:
        return people.none()
    conditions = Q()
    parsed = parse_code(query)
    if parsed and parsed[0] == "number":
        conditions |= Q(household_id__in=Card.objects.filter(number=parsed[1]).values("household_id"))
    if compact.isdigit():
        if len(compact) == 11:
            conditions |= Q(amka=compact)
        digits = phone_digits(compact)
        if len(digits) == 10:  # whole numbers only: a suffix search could not use the index
            conditions |= Q(phone_digits=digits)
    else:
        conditions |= Q(other_id=query) | Q(other_id=query.upper())
        terms = search_terms(query)
        if terms:
            # The same test as core.text.filter_by_search, written as one condition so that PostgreSQL
            # can combine the trigram index with the other indexes (a BitmapOr).
            name = Q()
            for term in terms:
                name &= Q(search_text__contains=term)
            conditions |= name
    if not conditions:
        return people.none()
    return people.filter(conditions)


MAX_MATCHES = 1000


def matching_household_ids(query: str) -> list[int]:
    """Ids of households with a matching person (at most MAX_MATCHES: a broader search should be refined).

    Run as its own query on purpose: the planner then uses the indexes of `people_matching` instead of
    probing the search for every household in turn.
    """
    return list(people_matching(query).order_by().values_list("household_id", flat=True).distinct()[:MAX_MATCHES])


def households_matching(query: str = "", *, status=Household.Status.ACTIVE):
    """Households for the list page, with the reference person's name, member count and active card.

    The extra columns are correlated subqueries (not a GROUP BY), so the database can sort and cut
    the page first and compute them only for the rows shown.
    """
    households = Household.objects.all()
    if status:
        households = households.filter(status=status)
    if query:
        households = households.filter(pk__in=matching_household_ids(query))
    reference = Person.objects.filter(household=OuterRef("pk"), is_reference=True)
    members = Person.objects.filter(household=OuterRef("pk")).order_by().values("household")
    active_card = Card.objects.filter(household=OuterRef("pk"), status__in=Card.ACTIVE_STATUSES)
    return households.annotate(
        reference_first_name=Subquery(reference.values("first_name")[:1]),
        reference_last_name=Subquery(reference.values("last_name")[:1]),
        member_count=Subquery(members.annotate(n=Count("pk")).values("n")[:1]),
        card_number=Subquery(active_card.values("number")[:1]),
        card_status=Subquery(active_card.values("status")[:1]),
    ).order_by("-id")


def household_for_page(pk: int):
    """One household with everything its page shows."""
    return Household.objects.prefetch_related(
        "members", "collectors",
        Prefetch("enrolments", queryset=Enrolment.objects.select_related("programme")),
        Prefetch("cards", queryset=Card.objects.select_related("requested_by", "printed_by", "handed_over_by",
                                                               "revoked_by")),
        "merged_from",
    ).select_related("merged_into", "consent_recorded_by", "created_by").get(pk=pk)


def expiring_enrolments(*, within_days: int = 30, today=None):
    """Enrolments ending within `within_days` (or ended in the last week) and not yet renewed."""
    today = today or timezone.localdate()
    renewed = Enrolment.objects.filter(household=OuterRef("household"), programme=OuterRef("programme"),
                                       start__gt=OuterRef("start"))
    reference = Person.objects.filter(household=OuterRef("household"), is_reference=True)
    return (
        Enrolment.objects.filter(end__gte=today - timedelta(days=7), end__lte=today + timedelta(days=within_days),
                                 ended_early_on__isnull=True, household__status=Household.Status.ACTIVE)
        .exclude(Exists(renewed))
        .select_related("programme")
        .annotate(reference_first_name=Subquery(reference.values("first_name")[:1]),
                  reference_last_name=Subquery(reference.values("last_name")[:1]))
        .order_by("end", "id")
    )


# The retention page and the coordinator's panel list what apply_retention will anonymise this
# many days ahead.
RETENTION_NOTICE_DAYS = 30
# A retention date set (registration, edit, import, API) less than this many days ago does not
# anonymise anything until the coordinator confirms it on the retention page: a typo ("2025" for
# "2035", yesterday's date) cannot destroy a record overnight, and every household appears on the
# page for this long before it goes, unless the coordinator confirms earlier.
RETENTION_HOLD_DAYS = 30


def _retention_held(now=None) -> Q:
    now = now or timezone.now()
    recent = Q(retention_changed_at__gt=now - timedelta(days=RETENTION_HOLD_DAYS))
    confirmed = Q(retention_confirmed_at__isnull=False, retention_confirmed_at__gte=F("retention_changed_at"))
    return recent & ~confirmed


def retention_due(today=None):
    """Households apply_retention anonymises today: retention date passed, not held."""
    today = today or timezone.localdate()
    return (Household.objects.filter(retention_until__lt=today).exclude(status=Household.Status.ANONYMISED)
            .exclude(_retention_held()))


def retention_preview(today=None, days=RETENTION_NOTICE_DAYS):
    """Households whose data go within `days` (or are overdue but held), soonest first, each with
    `held` (True: waits for the coordinator's confirmation) and `goes_on` (the night it will go
    once nothing holds it)."""
    today = today or timezone.localdate()
    now = timezone.now()
    households = list(
        Household.objects.filter(retention_until__lt=today + timedelta(days=days))
        .exclude(status=Household.Status.ANONYMISED)
        .annotate(held=ExpressionWrapper(_retention_held(now), output_field=BooleanField()))
        .prefetch_related(Prefetch("members", queryset=Person.objects.filter(is_reference=True), to_attr="reference"))
        .order_by("retention_until", "pk"))
    for household in households:
        goes = household.retention_until + timedelta(days=1)
        if household.held and household.retention_changed_at:
            goes = max(goes, timezone.localtime(household.retention_changed_at).date()
                       + timedelta(days=RETENTION_HOLD_DAYS + 1))
        household.goes_on = max(goes, today)
        household.reference_person_found = household.reference[0] if household.reference else None
    return households
