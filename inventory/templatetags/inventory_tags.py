from django import template

from .. import units
from ..services.stock import format_quantity

register = template.Library()


@register.filter
def qty(value):
    """A quantity without trailing zeros, in the current language's format ("2,5")."""
    if value is None or value == "":
        return ""
    return format_quantity(value)


@register.filter
def with_unit(value, unit):
    """"60 λίτρα": a quantity with the unit's word that agrees with it."""
    if value is None or value == "":
        return ""
    return units.with_unit(value, unit)


@register.filter
def unit_word(unit, value):
    """The unit's word alone, agreeing with the quantity: {{ item.unit|unit_word:quantity }}."""
    return units.unit_word(unit, 1 if value in (None, "") else value)
