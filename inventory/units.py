"""A quantity with its unit, in the form that agrees with the number: "1 λίτρο", "60 λίτρα",
"2,5 κιλά", "50 συσκευασίες". Used by pages, receipts, PDFs and the scan station's basket lines."""

from decimal import Decimal

from django.utils.translation import npgettext

from .services.stock import format_quantity


def plural_count(quantity) -> int:
    """The number ngettext chooses the form by: the quantity itself when whole; a fraction takes
    the plural form in Greek and English alike ("1,5 λίτρα", "0.5 litres")."""
    quantity = Decimal(quantity)
    if quantity == quantity.to_integral_value():
        return abs(int(quantity))
    return 2


def unit_word(unit: str, quantity) -> str:
    """The unit's word for this quantity (without the number), e.g. for a table column."""
    n = plural_count(quantity)
    if unit == "kg":
        return npgettext("quantity", "kilo", "kilos", n)
    if unit == "litre":
        return npgettext("quantity", "litre", "litres", n)
    if unit == "pack":
        return npgettext("quantity", "pack", "packs", n)
    return npgettext("quantity", "piece", "pieces", n)


def with_unit(quantity, unit: str) -> str:
    """"60 λίτρα": the quantity in the current language's number format and the unit that agrees."""
    return f"{format_quantity(quantity)} {unit_word(unit, quantity)}"
