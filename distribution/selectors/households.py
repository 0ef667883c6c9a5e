"""Searching households and people, the household page, eligibility that expires soon."""

import re
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from core.text import filter_by_search

from ..identifiers import parse_code
from ..models import Card, Enrolment, Household, Person, phone_digits


def people_matching(query: str):
    """People whose name, AMKA, other identifier, phone or card number matches what was typed.

    Names: accent-, case- and Greek/Latin-insensitive (core.text; trigram index on PostgreSQL).
    An 11-digit AMKA, a phone number (10 digits, or 6+ digits at its end) and a card number are
    matched exactly on indexed columns.
    """
    query = (query or "").strip()
    people = Person.objects.exclude(household__status=Household.Status.ANONYMISED)
    if not query:
        return people.none()
    compact = re.sub(r"[\s\-./]", "", query)
    conditions = Q()
    if compact.isdigit():
        if len(compact) == 11:
            conditions |= Q(amka=compact)
        digits = phone_digits(compact)
        if len(digits) == 10:
            conditions |= Q(phone_digits=digits)
        elif len(digits) >= 6:
            conditions |= Q(phone_digits__endswith=digits)
    parsed = parse_code(query)
    if parsed and parsed[0] == "number":
        conditions |= Q(household__cards__number=parsed[1])
    if len(compact) >= 4:
        conditions |= Q(other_id__iexact=query)
    by_name = filter_by_search(people, query).values("pk") if not compact.isdigit() else None
    if by_name is not None:
        conditions |= Q(pk__in=by_name)
    if not conditions:
        return people.none()
    return people.filter(conditions).distinct()


def households_matching(query: str = "", *, status=Household.Status.ACTIVE):
    """Households for the list page, with the reference person's name, member count and active card."""
    households = Household.objects.all()
    if status:
        households = households.filter(status=status)
    if query:
        households = households.filter(pk__in=people_matching(query).values("household_id"))
    reference = Person.objects.filter(household=OuterRef("pk"), is_reference=True)
    active_card = Card.objects.filter(household=OuterRef("pk"), status__in=Card.ACTIVE_STATUSES)
    return households.annotate(
        reference_first_name=Subquery(reference.values("first_name")[:1]),
        reference_last_name=Subquery(reference.values("last_name")[:1]),
        member_count=Count("members", distinct=True),
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
