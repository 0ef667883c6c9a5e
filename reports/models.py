"""What the reports app keeps: the ESF+ reports as they were submitted to the funder."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Centre
from core.refusals import Refusal
from core.tenancy import CentreManager, default_centre_id


class SubmittedReportError(Refusal):
    """A submitted report is kept as it was: never changed nor deleted."""

    code = "submitted_report"


class SubmittedReport(models.Model):
    """An ESF+ report marked as submitted: its figures, the households behind each people figure, the
    programme and location, who and when, and the XLSX and PDF exactly as they were, with their SHA-256.
    Never changed nor deleted (save and delete refuse; on the database a trigger refuses too). It belongs
    to the centre that closed the period: another centre neither sees it nor finds its period closed."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                               default=default_centre_id, editable=False)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    programme = models.ForeignKey("distribution.Programme", verbose_name=_("programme"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("core.Location", verbose_name=_("location"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("period and filters"), max_length=300)
    note = models.CharField(_("note (e.g. the submission's reference)"), max_length=200, blank=True)
    # [{"key", "number", "label", "value" (text), "unit", "not_declared"}] in the report's order.
    figures = models.JSONField(_("figures"))
    # {figure key: {"yes": {household id: people}, "not_declared": {...}}}: the households behind each
    # people figure (and the households figure), by household reference.
    households = models.JSONField(_("households behind the figures"))
    xlsx = models.BinaryField(_("XLSX as submitted"))
    pdf = models.BinaryField(_("PDF as submitted"))
    xlsx_sha256 = models.CharField(_("SHA-256 of the XLSX"), max_length=64)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, related_name="+")

    objects = CentreManager()

    class Meta:
        verbose_name = _("submitted ESF+ report")
        verbose_name_plural = _("submitted ESF+ reports")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="submitted_report_period",
                                   violation_error_message=_("The period ends before it starts.")),
            models.CheckConstraint(condition=Q(xlsx_sha256__regex=r"^[0-9a-f]{64}$")
                                   & Q(pdf_sha256__regex=r"^[0-9a-f]{64}$"), name="submitted_report_checksums",
                                   violation_error_message=_("A submitted report keeps the checksums of its "
                                                             "files.")),
        ]

    def __str__(self):
        return str(_("Submitted ESF+ report %(id)s")) % {"id": self.pk}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise SubmittedReportError(_("A submitted report cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SubmittedReportError(_("A submitted report cannot be deleted."))
