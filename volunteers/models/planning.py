"""Plans the planner proposed: what it proposed, why, what the coordinator accepted and published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import CentreManager

from .people import Volunteer, centre_field
from .shifts import Shift


class PlanProposal(models.Model):
    """One run of the planner over a period (or one shift), waiting for the coordinator."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Proposed")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    centre = centre_field()
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+", help_text=_("Set when only this shift was filled."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    seconds = models.FloatField(_("time to plan (s)"), default=0)
    optimal = models.BooleanField(_("proven best"), default=False)
    gap = models.FloatField(_("gap to the best"), default=0)
    levels = models.JSONField(default=list)  # [{name, value, bound, optimal}]
    shortfalls = models.JSONField(default=list)  # [{shift, kind, missing, what, binding, blocked, fixes}]

    objects = CentreManager()

    class Meta:
        verbose_name = _("proposed plan")
        verbose_name_plural = _("proposed plans")
        ordering = ["-created_at"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"


class PlanLine(models.Model):
    """A change the plan proposes: put a volunteer on a shift, or take them off (their reasons kept)."""

    class Action(models.TextChoices):
        ADD = "add", _("Add")
        KEEP = "keep", _("Keep")
        REMOVE = "remove", _("Take off")

    centre = centre_field()
    proposal = models.ForeignKey(PlanProposal, on_delete=models.CASCADE, related_name="lines")
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.ADD)
    reasons = models.JSONField(default=list)  # [{code, params}]
    accepted = models.BooleanField(_("accepted"), default=False)
    outcome = models.CharField(max_length=300, blank=True)  # what publishing did, or why it could not

    objects = CentreManager()

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["shift__starts_at", "shift_id", "action", "volunteer__last_name"]
        constraints = [models.UniqueConstraint(
            fields=["proposal", "shift", "volunteer"], name="plan_line_once",
            violation_error_message=_("The proposal already has a change for this volunteer on this shift."))]

    def __str__(self):
        return f"{self.action} {self.volunteer_id} @ {self.shift_id}"
