from django import template

from ..services.stock import format_quantity

register = template.Library()


@register.filter
def qty(value):
    """A quantity without trailing zeros, in the current language's format ("2,5")."""
    if value is None or value == "":
        return ""
    return format_quantity(value)
