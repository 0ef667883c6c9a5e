"""Barcodes, and pack sizes of an item: a case of 12 × 1 l milk, a carton of 10 packets of pasta.

Goods may be received and counted in packs; the ledger always holds units. A pack holds a whole
number of units, at least two (a CHECK constraint). A pack's barcodes are rows of `Barcode` with
`pack` set, so one unique index keeps every code, of an item or of a pack, for one thing only.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.tenancy import CentreManager

from .centres import centre_key


class Pack(models.Model):
    """A pack size of an item, with its own barcodes (see `Barcode.pack`)."""

    OWN_PREFIX = "KYP-P"

    item = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="packs")
    name = models.CharField(_("pack name"), max_length=60, help_text=_("For example: case, carton, crate."))
    units = models.PositiveIntegerField(_("units in the pack"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    centre = centre_key()

    objects = CentreManager()

    class Meta:
        verbose_name = _("pack")
        verbose_name_plural = _("packs")
        ordering = ["item_id", "units", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=2), name="pack_holds_two_units_or_more",
                                   violation_error_message=_("A pack holds at least two units.")),
            models.CheckConstraint(condition=~Q(name=""), name="pack_has_a_name",
                                   violation_error_message=_("A pack needs a name.")),
            models.UniqueConstraint(fields=["item", "units"], name="pack_one_per_item_size",
                                    violation_error_message=_("This item already has a pack of this size.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.item} · {self.label}"

    @property
    def label(self) -> str:
        """"κιβώτιο × 12"."""
        return f"{self.name} × {self.units}"

    @property
    def own_code(self) -> str:
        return self.own_code_for(self.pk)

    @classmethod
    def own_code_for(cls, pack_pk: int) -> str:
        return f"{cls.OWN_PREFIX}{pack_pk:06d}"


class Barcode(models.Model):
    """A code that identifies an item when scanned: a product's EAN/UPC, or our own Code128 label."""

    OWN_PREFIX = "KYP-"

    class Kind(models.TextChoices):
        EAN = "ean", _("EAN/UPC")
        OWN = "own", _("Own label (Code128)")
        OTHER = "other", _("Other")

    item = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.CASCADE,
                             related_name="barcodes")
    # The pack of the item this code is printed on, if any (the same item: `catalogue.add_barcode` sees to it).
    pack = models.ForeignKey(Pack, verbose_name=_("pack"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="barcodes")
    # A product's EAN is the same at every centre: a code is unique within its centre, not across the installation.
    code = models.CharField(_("code"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EAN)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    centre = centre_key()

    objects = CentreManager()

    class Meta:
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="barcode_not_empty",
                                   violation_error_message=_("The barcode cannot be empty.")),
            models.UniqueConstraint(fields=["centre", "code"], name="barcode_code_unique_in_centre",
                                    violation_error_message=_("This barcode already belongs to an item.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.code

    @classmethod
    def own_code_for(cls, item_pk: int) -> str:
        return f"{cls.OWN_PREFIX}{item_pk:06d}"
