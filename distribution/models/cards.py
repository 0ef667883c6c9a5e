"""Household cards. A card's secret token is never stored: only its SHA-256."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identifiers import format_card_number
from .centres import CentreManager, centre_field
from .households import Household


class Card(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PRINTED = "printed", _("Printed")
        HANDED_OVER = "handed_over", _("Handed over")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    class RevokeReason(models.TextChoices):
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        DAMAGED = "damaged", _("Damaged or misprinted")
        INELIGIBLE = "ineligible", _("No longer eligible")
        MERGED = "merged", _("Household merged into another")
        RETENTION = "retention", _("Data removed at the end of retention")

    ACTIVE_STATUSES = (Status.REQUESTED, Status.PRINTED, Status.HANDED_OVER)

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="cards")
    # Unique within the centre (Meta); the token is a random secret: its hash stays unique everywhere.
    number = models.CharField(_("card number"), max_length=8, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED,
                              db_index=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    printed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("printed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    handed_over_to = models.CharField(_("received by"), max_length=160, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoke_reason = models.CharField(_("reason"), max_length=12, choices=RevokeReason.choices, blank=True)
    replaced_by = models.OneToOneField("self", verbose_name=_("replaced by"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="replaces")
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="card_number_unique_in_centre",
                                    violation_error_message=_("Another card of the centre has this number.")),
            models.UniqueConstraint(
                fields=["household"], condition=Q(status__in=["requested", "printed", "handed_over"]),
                name="one_active_card_per_household",
                violation_error_message=_("The household already has an active card; revoke it first."),
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(status="revoked") | Q(token_hash__isnull=False),
                name="printed_card_has_token",
                violation_error_message=_("A printed card needs its code."),
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | (Q(revoked_at__isnull=False) & ~Q(revoke_reason="")),
                name="revoked_card_has_reason",
                violation_error_message=_("A revoked card needs the reason and the time of revocation."),
            ),
            models.CheckConstraint(
                condition=~Q(status="handed_over") | Q(handed_over_at__isnull=False),
                name="handed_over_card_has_date",
                violation_error_message=_("A card handed over needs the date it was handed over."),
            ),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return str(_("Card %(number)s")) % {"number": self.display_number}

    @property
    def display_number(self):
        return format_card_number(self.number)

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    def effective_status(self, day=None):
        """The status, counting a card past its validity as expired even before the nightly job."""
        day = day or timezone.localdate()
        if self.status in (self.Status.PRINTED, self.Status.HANDED_OVER) and self.valid_until and \
                self.valid_until < day:
            return self.Status.EXPIRED
        return self.status
