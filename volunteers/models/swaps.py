"""Swaps: a volunteer who cannot come offers their shift; the planner's best replacements are asked in
turn until one accepts (volunteers.services.swaps)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.tenancy import CentreManager

from .people import Volunteer, centre_field
from .shifts import Assignment, Shift

ONE_TAKER = _("Someone else has already taken this shift.")


class SwapOffer(models.Model):
    """A confirmed assignment offered to others. It stays the volunteer's until someone takes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Looking for a replacement")
        TAKEN = "taken", _("Taken by a replacement")
        NOBODY = "nobody", _("Nobody could take it")
        WITHDRAWN = "withdrawn", _("Withdrawn: the volunteer will come")
        STOPPED = "stopped", _("Stopped by the coordinator")
        ENDED = "ended", _("Ended: the shift started, changed or was cancelled")

    centre = centre_field()
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swap_offers")
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="swap_offers")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("offered by"), on_delete=models.PROTECT,
                                  related_name="swap_offers")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("offered"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    taken_by = models.ForeignKey(Volunteer, verbose_name=_("taken by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    # When nobody may take it: the rule that keeps most candidates out, how many each rule keeps out,
    # and what would fix it (the planner's words, as for "fill this shift").
    binding = models.CharField(max_length=30, blank=True)
    blocked = models.JSONField(default=dict, blank=True)
    fixes = models.JSONField(default=list, blank=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("offered shift")
        verbose_name_plural = _("offered shifts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assignment"], condition=Q(status="open"), name="swap_one_open_offer",
                                    violation_error_message=_("This shift is already offered.")),
            models.CheckConstraint(condition=~Q(status="taken") | Q(taken_by__isnull=False),
                                   name="swap_taken_has_taker",
                                   violation_error_message=_("A taken shift names who took it.")),
        ]

    def __str__(self):
        return f"{self.shift} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SwapAsk(models.Model):
    """One candidate of an offer, in the planner's order: asked in turn, with a time to answer."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting their turn")
        ASKED = "asked", _("Asked, waiting for the answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Said no")
        EXPIRED = "expired", _("No answer in time")
        SKIPPED = "skipped", _("No longer fits")
        CLOSED = "closed", _("Not needed any more")

    centre = centre_field()
    offer = models.ForeignKey(SwapOffer, on_delete=models.CASCADE, related_name="asks")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.CASCADE,
                                  related_name="swap_asks")
    position = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    reasons = models.JSONField(default=list, blank=True)  # the planner's [{code, params}]: why this person
    skipped_rule = models.CharField(max_length=30, blank=True)  # the hard rule they no longer meet
    asked_at = models.DateTimeField(_("asked"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    nonce_hash = models.CharField(max_length=64, blank=True, default="")  # the answer link's secret, hashed

    objects = CentreManager()

    class Meta:
        verbose_name = _("replacement asked")
        verbose_name_plural = _("replacements asked")
        ordering = ["offer", "position"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "volunteer"], name="swap_ask_once_per_person",
                                    violation_error_message=_("This volunteer is already on the list.")),
            models.UniqueConstraint(fields=["offer", "position"], name="swap_ask_position_once",
                                    violation_error_message=_("Two candidates cannot have the same place.")),
            models.UniqueConstraint(fields=["offer"], condition=Q(status="accepted"), name="swap_one_taker",
                                    violation_error_message=ONE_TAKER),
            models.UniqueConstraint(fields=["offer"], condition=Q(status="asked"), name="swap_one_asked_at_a_time",
                                    violation_error_message=_("Only one candidate is asked at a time.")),
        ]

    def __str__(self):
        return f"{self.offer_id} · {self.position} · {self.status}"
