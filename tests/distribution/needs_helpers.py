"""Needs and substitutions for the tests: the coordinator's list (a few of the demo's needs), a day
whose basket is adapted to them, and needs recorded through the service."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from distribution.models import BasketRule, BasketSubstitution, Need, Person
from distribution.services.needs import record_need
from tests.distribution.days_helpers import day_with_basket
from tests.inventory.factories import ItemFactory
from tests.inventory.helpers import stock

GLUTEN_FREE = {"code": "gluten-free", "name_el": "Κοιλιοκάκη (χωρίς γλουτένη)", "name_en": "Coeliac (gluten-free)",
               "special_category": True, "applies_to": "member"}
INFANT = {"code": "infant", "name_el": "Βρέφος κάτω των 12 μηνών", "name_en": "Infant under 12 months",
          "special_category": False, "applies_to": "member"}
NO_PORK = {"code": "no-pork", "name_el": "Χωρίς χοιρινό", "name_en": "No pork", "special_category": True,
           "applies_to": "household"}


def needs() -> dict[str, Need]:
    return {fields["code"]: Need.objects.get_or_create(code=fields["code"], defaults=fields)[0]
            for fields in (GLUTEN_FREE, INFANT, NO_PORK)}


def adapted_day(*, stock_per_item=100):
    """day_with_basket plus spaghetti (1 per member) and luncheon meat (1 per household), adapted:
    gluten-free → gluten-free penne for spaghetti (1 for 1); infant → 2 formula per infant; no pork →
    chicken luncheon meat for the pork one."""
    day, items = day_with_basket(stock_per_item=stock_per_item)
    listed = needs()
    items.update({
        "spaghetti": ItemFactory(name_el="Σπαγγέτι", name_en="Spaghetti"),
        "penne_gf": ItemFactory(name_el="Πένες GF", name_en="GF penne"),
        "formula": ItemFactory(name_el="Γάλα βρεφικό", name_en="Infant formula", food_group="milk"),
        "pork": ItemFactory(name_el="Κονσέρβα χοιρινό", name_en="Pork luncheon meat", food_group="meat_eggs_fish"),
        "chicken": ItemFactory(name_el="Κονσέρβα κοτόπουλο", name_en="Chicken luncheon meat",
                               food_group="meat_eggs_fish"),
    })
    BasketRule.objects.create(day=day, item=items["spaghetti"], basis="member", quantity=1)
    BasketRule.objects.create(day=day, item=items["pork"], basis="household", quantity=1)
    BasketSubstitution.objects.create(day=day, need=listed["gluten-free"], kind="replace",
                                      from_item=items["spaghetti"], item=items["penne_gf"], quantity=1)
    BasketSubstitution.objects.create(day=day, need=listed["infant"], kind="add", item=items["formula"],
                                      quantity=2, basis="member")
    BasketSubstitution.objects.create(day=day, need=listed["no-pork"], kind="replace", from_item=items["pork"],
                                      item=items["chicken"], quantity=1)
    day.save()
    for name in ("spaghetti", "penne_gf", "formula", "pork", "chicken"):
        if stock_per_item:
            stock(items[name], day.location, stock_per_item, expiry=date.today() + timedelta(days=200))
    return day, items, listed


def with_consent(household, need, by, person=None):
    """Record `need` with explicit consent given today."""
    return record_need(household, need, person=person, by=by, legal_basis="consent",
                       consent_date=timezone.localdate())


def member(household, index=1) -> Person:
    return list(household.members.order_by("id"))[index]


def d(value) -> Decimal:
    return Decimal(str(value))
