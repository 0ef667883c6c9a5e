"""An import of a household list (CSV/XLSX), processed in chunks so that long files show progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .centres import CentreManager, centre_field


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", _("Checked, waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")

    filename = models.CharField(_("file"), max_length=200)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # The parsed rows, grouped by household: [[{"row": 2, ...}, ...], ...]. Emptied when finished, so
    # the personal data of the list does not stay in the database longer than the import.
    groups = models.JSONField(default=list, blank=True)
    total_groups = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("household import")
        verbose_name_plural = _("household imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @property
    def percent(self):
        return 100 if not self.total_groups else int(100 * self.position / self.total_groups)
