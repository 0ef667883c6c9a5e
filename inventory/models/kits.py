"""Pre-packed kits: a kit is an item whose bill lists other items and quantities ("basket for 1–2 people").

Assembling kits takes the contents out of stock and puts the kits in (reasons `kit_out`/`kit_in` in the
ledger); a kit lot's expiry is the earliest of the contents that went into it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.tenancy import CentreManager

from .centres import centre_key


class KitComponent(models.Model):
    """One line of a kit's bill: so much of an item in each kit."""

    kit = models.ForeignKey("inventory.Item", verbose_name=_("kit"), on_delete=models.CASCADE,
                            related_name="kit_components")
    component = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.PROTECT,
                                  related_name="in_kits")
    quantity = models.DecimalField(_("quantity per kit"), max_digits=12, decimal_places=3)
    centre = centre_key()

    objects = CentreManager()

    class Meta:
        verbose_name = _("kit content")
        verbose_name_plural = _("kit contents")
        ordering = ["kit_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=Decimal(0)), name="kit_component_quantity_positive",
                                   violation_error_message=_("The quantity must be greater than zero.")),
            models.CheckConstraint(condition=~Q(kit=F("component")), name="kit_not_inside_itself",
                                   violation_error_message=_("A kit cannot contain itself.")),
            models.UniqueConstraint(fields=["kit", "component"], name="kit_component_once",
                                    violation_error_message=_("This item is already in the kit.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.kit} ∋ {self.component} × {self.quantity}"


class KitRequest(models.Model):
    """The answer given to one API request to assemble or take apart kits, by its client-made id (scoped to
    the user who sent it), so that a retried request gets it again instead of doing it twice
    (core/idempotency.py); deleted after the retention window."""

    request_id = models.UUIDField()
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")
    answer = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    centre = centre_key()

    objects = CentreManager()

    class Meta:
        verbose_name = _("kit request")
        verbose_name_plural = _("kit requests")
        constraints = [models.UniqueConstraint(fields=["centre", "by", "request_id"],
                                               name="kitrequest_request_id_per_user_in_centre",
                                               violation_error_message=_("This request was already answered."))]
        indexes = [models.Index(fields=["at"], name="kitrequest_at")]

    def __str__(self):
        return str(self.request_id)


class KitHandedOut(models.Model):
    """What a kit held when it left under a document (a collection, a hand-out): each content, so much
    per kit, at its weight and value per unit then. The funder's figures count a handed-out kit by these
    rows, so editing the kit or its contents later does not move a past period's figures (as a plain
    item's ledger row keeps its own weight and value). Written in the document's transaction
    (services.kits.keep_kit_contents); the document's later corrections count by the same rows."""

    document_type = models.CharField(_("document type"), max_length=60)
    document_key = models.BigIntegerField(_("document"))
    kit = models.ForeignKey("inventory.Item", verbose_name=_("kit"), on_delete=models.PROTECT, related_name="+")
    component = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.PROTECT,
                                  related_name="+")
    quantity = models.DecimalField(_("quantity per kit"), max_digits=12, decimal_places=3)
    unit_weight_kg = models.DecimalField(_("weight per unit (kg)"), max_digits=10, decimal_places=3)
    unit_value_eur = models.DecimalField(_("value per unit (€)"), max_digits=10, decimal_places=2)
    # The centre of its collection or hand-out (written in the document's transaction, in its scope).
    centre = centre_key()

    objects = CentreManager()

    class Meta:
        verbose_name = _("kit content handed out")
        verbose_name_plural = _("kit contents handed out")
        constraints = [
            models.UniqueConstraint(fields=["document_type", "document_key", "kit", "component"],
                                    name="kit_handed_out_once",
                                    violation_error_message=_("This content of the kit is already kept.")),
            models.CheckConstraint(condition=Q(quantity__gt=Decimal(0)), name="kit_handed_out_quantity_positive",
                                   violation_error_message=_("The quantity must be greater than zero.")),
        ]

    audit_names_nobody = True

    def __str__(self):
        return f"{self.document_type} {self.document_key}: {self.kit} ∋ {self.component} × {self.quantity}"
