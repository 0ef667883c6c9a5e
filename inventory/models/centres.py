"""Every inventory record belongs to a centre: each centre keeps its own catalogue, donors, stock and ledger
(docs/architecture.md, "Many centres")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import default_centre_id


def centre_key(*, db_index=True):
    """The `centre` foreign key of an inventory model, filled from the current scope. The ledger's has no
    index of its own (every scan inserts rows; its queries filter by item, location or period first)."""
    return models.ForeignKey("core.Centre", verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                             default=default_centre_id, editable=False, db_index=db_index)
