"""The outbox: every e-mail and SMS Kypseli sends is first a row here, written in the same transaction
as the action that causes it (a rolled-back action leaves no message), then sent by the worker
(core.messaging.delivery). The row keeps what was sent, to whom, about what, and how it went.

A message belongs to the centre that wrote it (its e-mail is sent in that centre's name, and its
outbox page is that centre's); a message of the installation itself (a periodic job's failure told to
the administrators) has none. The worker sends every centre's messages (`every_centre`). A periodic
job's run (ScheduledRun) stays the installation's: the schedule runs once per installation, and a job
that works per centre loops over the centres itself (core.tenancy.each_centre)."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .tenancy import CentreManager, default_centre_id


def new_key() -> str:
    return uuid.uuid4().hex


class OutboundMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        GAVE_UP = "gave_up", _("gave up")

    # A failed or given-up message waits for staff (resend); queued and sending ones for the worker.
    NEEDS_ATTENTION = (Status.FAILED, Status.GAVE_UP)

    centre = models.ForeignKey("core.Centre", verbose_name=_("centre"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+", default=default_centre_id, editable=False)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8, default="el")
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML part"), blank=True)
    # Parts made when sending, from data kept here (e.g. {"qr": code, "cid": "ticket-qr"}: a ticket's QR image).
    attachments = models.JSONField(default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=60, blank=True, db_index=True)
    # The record the message is about (a household, a volunteer, a registration, a user).
    about_type = models.ForeignKey(ContentType, verbose_name=_("about (type)"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    about_id = models.CharField(_("about (id)"), max_length=64, blank=True)
    # Messages sent together (a day's slot notices, a message to a shift): their progress is shown.
    batch = models.CharField(_("batch"), max_length=80, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While sending: which claim holds it and until when (a worker killed mid-send lets go when it ends).
    lease_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=40, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=120, unique=True, default=new_key,
                                       error_messages={"unique": _("A message with this key is already queued.")})
    provider_id = models.CharField(_("provider's id"), max_length=120, blank=True, db_index=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    resent_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anonymised_at = models.DateTimeField(null=True, blank=True)

    every_centre = models.Manager()  # the worker, delivery reports and retention: the installation's
    objects = CentreManager()  # pages and services: the current centre's

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        default_manager_name = "objects"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
            models.Index(fields=["centre", "created_at"], name="outbox_centre_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed", "gave_up"]),
                name="outbox_status_known",
                violation_error_message=_("A message is queued, sending, sent, failed or given up.")),
            models.CheckConstraint(condition=models.Q(channel__in=["email", "sms"]), name="outbox_channel_known",
                                   violation_error_message=_("A message goes by e-mail or by SMS.")),
            models.CheckConstraint(condition=~models.Q(status="sending") | models.Q(lease_until__isnull=False),
                                   name="outbox_sending_has_lease",
                                   violation_error_message=_("A message being sent has a lease.")),
            models.CheckConstraint(condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                                   name="outbox_sent_has_time",
                                   violation_error_message=_("A sent message has the time it was sent.")),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def about(self):
        if self.about_type_id is None or not self.about_id:
            return None
        model = self.about_type.model_class()
        return model._default_manager.filter(pk=self.about_id).first() if model else None


class ScheduledRun(models.Model):
    """One run of a periodic job (core.schedule): unique per job and time slot, so that however many
    workers run the schedule, each slot's job is enqueued once. The installation's, not a centre's: a
    job runs once per slot for the whole installation and goes centre by centre itself."""

    job = models.CharField(max_length=60)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["job", "slot"], name="scheduled_run_once",
            violation_error_message=_("A periodic job runs once per time slot."))]

    def __str__(self):
        return f"{self.job} {self.slot}"
