"""The distribution app's models, one module per area."""

from .cards import Card
from .days import BasketRule, Collection, DistributionDay, OfflineHandout, Scan, SlotAssignment, TimeSlot
from .handouts import Handout
from .households import (
    CATEGORY_SINGULAR_NAMES,
    HOUSEHOLD_CATEGORIES,
    PERSON_CATEGORIES,
    AuthorisedCollector,
    Category,
    Declared,
    Household,
    MembershipHistory,
    Person,
    categories_with_yes,
    identity_key,
    phone_digits,
)
from .imports import ImportJob
from .needs import BasketSubstitution, HouseholdNeed, Need
from .programmes import Enrolment, Programme

__all__ = [
    "BasketRule", "BasketSubstitution", "Collection", "DistributionDay", "OfflineHandout", "Scan", "SlotAssignment",
    "TimeSlot", "CATEGORY_SINGULAR_NAMES", "HOUSEHOLD_CATEGORIES", "PERSON_CATEGORIES",
    "AuthorisedCollector", "Card", "Category", "Declared", "Enrolment", "Handout", "Household", "HouseholdNeed",
    "ImportJob", "MembershipHistory", "Need", "Person", "Programme", "categories_with_yes",
    "identity_key", "phone_digits",
]
