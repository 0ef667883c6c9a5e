"""Limits in messages as the page's language writes numbers: "0,001" on Greek pages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.numbers import MaxValueValidator, MinValueValidator
from inventory.forms import WriteOffForm
from inventory.models import StockLevel
from tests.factories import LocationFactory
from tests.inventory.factories import ItemFactory
from tests.inventory.helpers import stock


@pytest.mark.parametrize("language, shown", [("el", "0,001"), ("en", "0.001")])
def test_the_limit_is_written_as_the_language_writes_it(language, shown):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        MinValueValidator(Decimal("0.001"))(Decimal("0"))
    assert shown in caught.value.messages[0]
    with translation.override(language), pytest.raises(ValidationError) as caught:
        MaxValueValidator(Decimal("2.5"))(Decimal("3"))
    assert ("2,5" if language == "el" else "2.5") in caught.value.messages[0]
    MinValueValidator(Decimal("0.001"))(Decimal("0.001"))  # the limit itself passes


def test_a_quantity_below_the_limit_on_a_greek_page(staff_client, db):
    store, milk = LocationFactory(), ItemFactory(name_el="Γάλα")
    stock(milk, store, 3)
    level = StockLevel.objects.get(item=milk)
    page = staff_client.post(reverse("inventory:write_off", args=[level.pk]),
                             {"quantity": "0", "reason": "damaged", "form_token": "x"}).content.decode()
    assert "0,001" in page and "0.001" not in page
    with translation.override("el"):
        form = WriteOffForm({"quantity": "0,5", "reason": "damaged", "form_token": "y"})
        assert form.is_valid() and form.cleaned_data["quantity"] == Decimal("0.5")
