"""Links that stand for a volunteer: sign-in links, contact changes waiting for confirmation, calendar
feeds of a location; the coordinators' morning summaries sent."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Location
from core.tenancy import CentreManager

from .people import Volunteer, centre_field, new_token


class SignInLink(models.Model):
    """A personal sign-in link sent by e-mail: signed, expiring and usable once. Only a hash is kept."""

    LIFETIME = timedelta(hours=24)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class ContactChange(models.Model):
    """A volunteer's new e-mail address or phone number, waiting to be confirmed from that address.

    The confirmation link goes to the new address and a notice to the old one; only a hash of the
    link's secret is kept. The change takes effect when the link is used (once, within LIFETIME)."""

    LIFETIME = timedelta(hours=24)

    class Field(models.TextChoices):
        EMAIL = "email", _("e-mail")
        PHONE = "phone", _("mobile phone")

    centre = centre_field()
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="contact_changes")
    field = models.CharField(max_length=10, choices=Field.choices)
    new_value = models.CharField(max_length=254)
    nonce_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("contact change")
        verbose_name_plural = _("contact changes")

    def __str__(self):
        return f"{self.volunteer_id} · {self.field}"


class LocationFeed(models.Model):
    """The secret of a location's shift calendar (with the volunteers' names): stored, so the
    coordinator can replace it when the link went where it should not, and the old one stops working."""

    centre = centre_field()
    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    rotated_at = models.DateTimeField(auto_now=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("location calendar link")
        verbose_name_plural = _("location calendar links")

    def __str__(self):
        return str(self.location_id)


class DigestSent(models.Model):
    """A coordinator's morning summary of one centre, claimed before it is written: the unique key makes
    `send_coordinator_digest` send at most one a day per coordinator and centre (a coordinator of two
    centres gets each centre's)."""

    centre = centre_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField()

    objects = CentreManager()

    class Meta:
        verbose_name = _("morning summary sent")
        verbose_name_plural = _("morning summaries sent")
        constraints = [models.UniqueConstraint(fields=["centre", "user", "day"], name="digest_once_a_day",
                                               violation_error_message=_("Today's summary has already been sent."))]

    def __str__(self):
        return f"{self.user_id} · {self.day:%Y-%m-%d}"
