"""Stock-takes: a count of a location's stock by several people, reviewed and posted by staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import validators as plausible
from core.tenancy import CentreManager

from .centres import centre_key

QUANTITY = {"max_digits": 12, "decimal_places": 3}


class StockTake(models.Model):
    """A count of a location's stock: several people count, staff review the differences and post."""

    class Status(models.TextChoices):
        OPEN = "open", _("Counting")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", pgettext_lazy("stock-take", "Cancelled")

    location = models.ForeignKey("core.Location", verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    note = models.CharField(_("note"), max_length=300, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("posted or cancelled by"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("posted or cancelled"), null=True, blank=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("stock-take")
        verbose_name_plural = _("stock-takes")
        ordering = ["-started_at", "-id"]
        constraints = [
            # At most one open count per location: two would post conflicting adjustments.
            models.UniqueConstraint(fields=["location"], condition=Q(status="open"),
                                    name="stocktake_one_open_per_location",
                                    violation_error_message=_("A stock-take is already open at this location.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.number} · {self.location}"

    @property
    def number(self) -> str:
        return f"Α-{self.pk:05d}" if self.pk else "—"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class StockTakeCount(models.Model):
    """What one person counted of one item (optionally one lot) on one shelf."""

    stocktake = models.ForeignKey(StockTake, verbose_name=_("stock-take"), on_delete=models.CASCADE,
                                  related_name="counts")
    item = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True, validators=[plausible.expiry_date])
    quantity = models.DecimalField(_("counted quantity"), **QUANTITY)
    shelf = models.CharField(_("shelf or area"), max_length=60, blank=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("counted by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    counted_at = models.DateTimeField(_("counted at"), auto_now_add=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("count")
        verbose_name_plural = _("counts")
        ordering = ["-counted_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=0), name="count_not_negative",
                                              violation_error_message=_("A count cannot be negative."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.item} × {self.quantity}"
