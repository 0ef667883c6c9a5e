from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.refusals import show_refusal
from core.roles import STAFF, role_required

from ..forms import ImportUploadForm
from ..models import ImportJob
from ..services import DistributionError
from ..services import imports as services

PREVIEW_ROWS = 20


@role_required(STAFF)
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.create_import_job(upload.name, upload.read(), by=request.user)
        except services.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            # The preview is a dry run: the real run's own code, saved nothing, reported row by row.
            services.start_import(job, dry_run=True, by=request.user)
            return redirect("distribution:import", pk=job.pk)
    return render(request, "distribution/import_upload.html", {
        "title": _("Import households"), "form": form, "columns": services.COLUMNS,
        "required": services.REQUIRED_COLUMNS,
        "recent": ImportJob.objects.filter(created_by=request.user)[:5]})


def _job_for(request, pk):
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


@role_required(STAFF)
def import_detail(request, pk):
    job = _job_for(request, pk)
    rows = [_display_row(r) for g in job.groups for r in g]
    return render(request, "distribution/import_detail.html", {
        "title": _("Import: %(file)s") % {"file": job.filename}, "job": job,
        "preview": rows[:PREVIEW_ROWS], "errors": [r for r in rows if r["errors"]], **_progress(job)})


def _display_row(row):
    """A checked row with its birth date as a date, so that pages show it in the language's format."""
    birth = row["person"].get("birth_date")
    return {**row, "birth_date": date.fromisoformat(birth) if birth else None}


def _progress(job):
    """Per row of the list, what the run did (or, for a dry run, what the real run will do)."""
    if job.status != ImportJob.Status.DONE or not job.groups:
        return {"outcomes": None}
    lines = {}
    for entry in job.report:
        lines.setdefault(entry["row"], []).append(entry)
    rows = sorted((_display_row(r) for g in job.groups for r in g), key=lambda r: r["row"])
    return {"outcomes": [{**r, "lines": lines.get(r["row"], [])} for r in rows]}


@require_POST
@role_required(STAFF)
def import_start(request, pk):
    job = _job_for(request, pk)
    try:
        services.start_import(job, dry_run=bool(request.POST.get("dry_run")), by=request.user)
    except DistributionError as exc:
        show_refusal(request, exc)
    return redirect("distribution:import", pk=pk)


@require_POST
@role_required(STAFF)
def import_step(request, pk):
    """One step of a running import; the progress block polls this with htmx until it is done."""
    job = services.process_next_chunk(_job_for(request, pk), by=request.user)
    return render(request, "distribution/_import_progress.html", {"job": job, **_progress(job)})


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
