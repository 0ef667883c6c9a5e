"""Programmes (what a household may be eligible for) and enrolments (for how long, on what decision)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core import validators as plausible

from .households import Household


class Programme(models.Model):
    """E.g. "Basic goods for KEA beneficiaries". Its collection rules are enforced at the scan station."""

    code = models.SlugField(_("code"), max_length=40, unique=True,
                            help_text=_("Short code used in imported lists, e.g. kea-basic."))
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    once_per_distribution_day = models.BooleanField(_("at most once per distribution day"), default=True)
    max_collections_per_month = models.PositiveSmallIntegerField(
        _("at most this many collections per month"), null=True, blank=True,
        help_text=_("Leave empty for no monthly limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_collections_per_month__isnull=True) | Q(max_collections_per_month__gte=1),
                name="programme_monthly_limit_positive",
                violation_error_message=_("The monthly limit must be at least 1, or empty for no limit."),
            ),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.name


class Enrolment(models.Model):
    """A household is eligible for a programme from `start` to `end` (inclusive), on a decision."""

    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="enrolments")
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT,
                                  related_name="enrolments")
    start = models.DateField(_("from"), validators=[plausible.activity_date])
    end = models.DateField(_("until"), db_index=True, validators=[plausible.activity_date])
    decision_reference = models.CharField(_("decision"), max_length=120, blank=True,
                                          help_text=_("Protocol number or decision the eligibility rests on."))
    ended_early_on = models.DateField(_("ended early on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-end", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="enrolment_ends_after_start",
                                   violation_error_message=_("The end cannot be before the start.")),
            models.UniqueConstraint(
                fields=["household", "programme", "start"], name="one_enrolment_per_start",
                violation_error_message=_("The household is already enrolled in this programme from this date.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.programme} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def is_current_on(self, day) -> bool:
        return self.start <= day <= self.effective_end

    @property
    def effective_end(self):
        return min(self.end, self.ended_early_on) if self.ended_early_on else self.end
