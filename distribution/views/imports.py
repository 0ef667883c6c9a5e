from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.roles import STAFF, role_required

from ..forms import ImportUploadForm
from ..models import ImportJob
from ..services import DistributionError
from ..services import imports as services

MAX_UPLOAD = 10 * 1024 * 1024
PREVIEW_ROWS = 20


@role_required(STAFF)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            form.add_error("file", _("The file is larger than 10 MB."))
        else:
            try:
                job = services.create_import_job(upload.name, upload.read(), by=request.user)
            except services.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                return redirect("distribution:import", pk=job.pk)
    return render(request, "distribution/import_upload.html", {
        "title": _("Import households"), "form": form, "columns": services.COLUMNS,
        "recent": ImportJob.objects.filter(created_by=request.user)[:5]})


def _job_for(request, pk):
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


@role_required(STAFF)
def import_detail(request, pk):
    job = _job_for(request, pk)
    rows = [r for g in job.groups for r in g]
    return render(request, "distribution/import_detail.html", {
        "title": _("Import: %(file)s") % {"file": job.filename}, "job": job,
        "preview": rows[:PREVIEW_ROWS], "errors": [r for r in rows if r["errors"]]})


@require_POST
@role_required(STAFF)
def import_start(request, pk):
    job = _job_for(request, pk)
    try:
        services.start_import(job, dry_run=bool(request.POST.get("dry_run")), by=request.user)
    except DistributionError as exc:
        messages.error(request, str(exc))
    return redirect("distribution:import", pk=pk)


@require_POST
@role_required(STAFF)
def import_step(request, pk):
    """One step of a running import; the progress block polls this with htmx until it is done."""
    job = services.process_next_chunk(_job_for(request, pk), by=request.user)
    return render(request, "distribution/_import_progress.html", {"job": job})


@require_POST
@role_required(STAFF)
def import_again(request, pk):
    """After a dry run: run the same checked rows for real."""
    job = _job_for(request, pk)
    if job.status != ImportJob.Status.DONE or not job.dry_run:
        messages.error(request, _("Only a finished dry run can be imported for real."))
        return redirect("distribution:import", pk=pk)
    fresh = ImportJob.objects.create(filename=job.filename, created_by=request.user, groups=job.groups,
                                     total_groups=job.total_groups, counts=services.summary_of_check(job.groups))
    job.groups = []
    job.save(update_fields=["groups"])
    services.start_import(fresh, dry_run=False, by=request.user)
    return redirect("distribution:import", pk=fresh.pk)
