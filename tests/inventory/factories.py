"""Factories for the inventory tests."""

from decimal import Decimal

import factory

from inventory.codes import ean_check_digit
from inventory.models import Barcode, Donor, Item
from tests.factories import LocationFactory  # noqa: F401  (re-exported for convenience)


def make_ean(n: int, prefix: str = "520") -> str:
    """A valid EAN-13 (520 is Greece's GS1 prefix)."""
    body = f"{prefix}{n:09d}"[:12]
    return body + str(ean_check_digit(body))


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    name_el = factory.Sequence(lambda n: f"Ρύζι γλασέ {n}")
    name_en = factory.Sequence(lambda n: f"Rice {n}")
    category = Item.Category.FOOD
    unit = Item.Unit.PACK
    weight_kg = Decimal("1.000")
    unit_value_eur = Decimal("1.50")
    is_food = True
    food_group = Item.FoodGroup.STARCH
    has_expiry = True


class NonFoodItemFactory(ItemFactory):
    name_el = factory.Sequence(lambda n: f"Σαπούνι {n}")
    name_en = factory.Sequence(lambda n: f"Soap {n}")
    category = Item.Category.HYGIENE
    unit = Item.Unit.PIECE
    weight_kg = Decimal("0.100")
    unit_value_eur = Decimal("0.80")
    is_food = False
    food_group = ""
    has_expiry = False


class BarcodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Barcode

    item = factory.SubFactory(ItemFactory)
    code = factory.Sequence(lambda n: make_ean(n + 1000))
    kind = Barcode.Kind.EAN


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    name = factory.Sequence(lambda n: f"Σούπερ Μάρκετ Δράμας {n}")
    kind = Donor.Kind.BUSINESS
