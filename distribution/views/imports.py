from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import ask, is_confirmed
from core.refusals import show_refusal
from core.roles import STAFF, role_required

from ..forms import ImportUploadForm
from ..models import ImportJob
from ..services import DistributionError, import_files
from ..services import cards as card_services
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
        "title": _("Import households"), "form": form, "columns": import_files.COLUMNS,
        "required": import_files.REQUIRED_COLUMNS,
        "recent": ImportJob.objects.filter(created_by=request.user)[:5]})


def _job_for(request, pk):
    return get_object_or_404(ImportJob, pk=pk, created_by=request.user)


@role_required(STAFF)
def import_detail(request, pk):
    job = _job_for(request, pk)
    rows = [_display_row(r) for g in job.groups for r in g]
    return render(request, "distribution/import_detail.html", {
        "title": _("Import: %(file)s") % {"file": job.filename}, "job": job, **_cards_waiting(job),
        "preview": rows[:PREVIEW_ROWS], "errors": [r for r in rows if r["errors"]], **_progress(job)})


def _cards_waiting(job):
    """How many households the (real, finished) import registered that still have no card."""
    if job.status != ImportJob.Status.DONE or job.dry_run:
        return {"cards_waiting": 0}
    return {"cards_waiting": card_services.households_without_card(job).count()}


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
    return render(request, "distribution/_import_progress.html", {"job": job, **_progress(job),
                                                                  **_cards_waiting(job)})


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


@require_http_methods(["GET", "POST"])
@role_required(STAFF)
def import_cards(request, pk):
    """After a real import: request the cards of every household it registered that has none, in one
    step, once confirmed."""
    job = _job_for(request, pk)
    back = reverse("distribution:import", args=[job.pk])
    if job.status != ImportJob.Status.DONE or job.dry_run:
        messages.error(request, _("Cards can be requested once the import has run for real."))
        return redirect(back)
    waiting = card_services.households_without_card(job).count()
    if not waiting:
        messages.info(request, _("Every household this import registered already has a card."))
        return redirect(back)
    if not is_confirmed(request):
        return ask(request, title=_("Request the cards of the imported households?"), back=back, danger=False,
                   action=_("Request the cards"),
                   warning=ngettext("%(n)s household registered by this import has no card.",
                                    "%(n)s households registered by this import have no card.", waiting)
                   % {"n": waiting},
                   consequences=[
                       ngettext("%(n)s card will be requested: it then waits in the list of cards to print.",
                                "%(n)s cards will be requested: they then wait in the list of cards to print.",
                                waiting) % {"n": waiting},
                       _("Households that already have a card, and those found already registered, are left "
                         "as they are."),
                   ])
    cards = card_services.request_cards_for_import(job, by=request.user)
    messages.success(request, ngettext("%(n)s card requested; it waits in the list of cards to print.",
                                       "%(n)s cards requested; they wait in the list of cards to print.",
                                       len(cards)) % {"n": len(cards)})
    return redirect(back)
