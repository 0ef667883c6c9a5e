"""Programmes (what a household may be eligible for) and enrolments (for how long, on what decision).

The rule "enrolled in this programme on this day" is written here once, in three forms held together
by tests/distribution/test_rule_parity.py: `Enrolment.is_current_on` (one enrolment),
`Enrolment.objects.current_on` (a set, for planning and lists) and `Enrolment.current_on_sql` (the
scan's plain SQL); likewise the end of an enrolment (`effective_end`, `effective_end_sql`).
"""

from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core import validators as plausible

from .centres import CentreManager, CentreQuerySet, centre_field
from .households import Household


class Programme(models.Model):
    """E.g. "Basic goods for KEA beneficiaries". Its collection rules are enforced at the scan station."""

    code = models.SlugField(_("code"), max_length=40,
                            help_text=_("Short code used in imported lists, e.g. kea-basic."))
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    once_per_distribution_day = models.BooleanField(_("at most once per distribution day"), default=True)
    max_collections_per_month = models.PositiveSmallIntegerField(
        _("at most this many collections per month"), null=True, blank=True,
        help_text=_("Leave empty for no monthly limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="programme_code_unique_in_centre",
                                    violation_error_message=_("Another programme of the centre has this code.")),
            models.CheckConstraint(
                condition=Q(max_collections_per_month__isnull=True) | Q(max_collections_per_month__gte=1),
                name="programme_monthly_limit_positive",
                violation_error_message=_("The monthly limit must be at least 1, or empty for no limit."),
            ),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.name


class EnrolmentQuerySet(CentreQuerySet):
    def current_on(self, day):
        """Enrolments current on `day`: begun, not past their end, not ended early before it."""
        return self.filter(start__lte=day, end__gte=day).filter(
            Q(ended_early_on__isnull=True) | Q(ended_early_on__gte=day))


class Enrolment(models.Model):
    """A household is eligible for a programme from `start` to `end` (inclusive), on a decision;
    `ended_early_on` (inclusive) when eligibility stopped before `end`."""

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
    # Read by its own manager (enrolments ending soon, the manifest's changes): the centre's own.
    centre = centre_field()

    objects = EnrolmentQuerySet.as_manager()

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
        """Whether this enrolment is current on `day` (the set form: `Enrolment.objects.current_on`)."""
        return self.start <= day <= self.effective_end

    @property
    def effective_end(self):
        """The last day of eligibility: `end`, or `ended_early_on` when that is earlier."""
        return min(self.end, self.ended_early_on) if self.ended_early_on else self.end

    # The scan reads a card and everything it needs in one plain SQL statement
    # (distribution.selectors.scan): these are the same rules as conditions on an enrolment row `alias`.

    @staticmethod
    def current_on_sql(alias: str, day) -> tuple[str, list]:
        """`is_current_on(day)` as an SQL condition on the enrolment row `alias`, with its parameters."""
        end = connection.ops.quote_name("end")
        return (f"{alias}.start <= %s AND {alias}.{end} >= %s "
                f"AND ({alias}.ended_early_on IS NULL OR {alias}.ended_early_on >= %s)", [day, day, day])

    @staticmethod
    def effective_end_sql(alias: str) -> str:
        """`effective_end` as an SQL expression on the enrolment row `alias`."""
        end = connection.ops.quote_name("end")
        return (f"CASE WHEN {alias}.ended_early_on IS NOT NULL AND {alias}.ended_early_on < {alias}.{end} "
                f"THEN {alias}.ended_early_on ELSE {alias}.{end} END")
