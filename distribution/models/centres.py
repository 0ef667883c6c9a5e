"""The centre a distribution record belongs to (core/tenancy.py): one field, the same on every model
that code reads through its own manager (households, people, cards, programmes, days, collections…).
Rows only ever reached through such a record (a household's past memberships, a day's basket lines,
slots and substitutions) carry no centre of their own."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Centre
from core.tenancy import CentreManager, CentreQuerySet, default_centre_id

__all__ = ["CentreManager", "CentreQuerySet", "centre_field"]


def centre_field():
    return models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                             default=default_centre_id, editable=False)
