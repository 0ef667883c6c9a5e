"""Report pages (staff). Each report builds a `documents.Document`; the page, the XLSX and the PDF
are three renderings of that one object. Exports and drill-downs (personal data) are audited."""

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.audit import audit
from core.db.replica import replica_reads
from core.exports import exports
from core.models import AuditLog
from core.roles import may, role_required
from distribution.selectors import reporting as distribution_reporting

from . import activities, dashboard, documents, esf, operations, submissions
from .forms import PeriodForm, SubmitForm
from .models import SubmittedReport

VALUE_LABELS = {
    "all": gettext_lazy("food and basic material goods"), "food": gettext_lazy("food"),
    "food_homeless": gettext_lazy("food for homeless people"),
    "food_other": gettext_lazy("food for other target groups"),
    "goods": gettext_lazy("basic material goods"),
    "goods_children": gettext_lazy("basic material goods for children"),
    "goods_homeless": gettext_lazy("basic material goods for homeless people"),
    "goods_other": gettext_lazy("basic material goods for other target groups"),
}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export_response(document: documents.Document, export_format: str, *, period_text: str = "",
                    audit_in=None) -> HttpResponse:
    """The document as a file, audited: in the current centre's log, or with `audit_in` = (centre ids, role)
    in each of those centres' logs (the region's reports, made of several centres' figures)."""
    body = documents.to_xlsx(document) if export_format == "xlsx" else documents.to_pdf(document)
    entry = {"object_repr": f"{document.filename}.{export_format}",
             "changes": {"report": document.title, "period": period_text}}
    if audit_in is None:
        audit(AuditLog.Action.EXPORT, None, **entry)
    else:
        centre_ids, role = audit_in
        for centre_id in centre_ids:
            audit(AuditLog.Action.EXPORT, None, centre_id=centre_id, role=role, **entry)
    response = HttpResponse(body, content_type=CONTENT_TYPES[export_format])
    stamp = document.generated_at.strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}-{stamp}.{export_format}"'
    return response


def render_report(request, form, build, *, template="reports/report.html", extra=None, more=None, audit_in=None):
    """Validate the period form, build the document, and answer with the page or an export. `more(form)`
    adds to the page's context once the form is valid; `audit_in(form)`: where an export is audited
    (export_response)."""
    context = {"form": form, "document": None, **(extra or {})}
    if form.is_valid():
        with replica_reads():
            document = build(form)
        export_format = request.GET.get("format")
        if export_format in CONTENT_TYPES:
            return export_response(document, export_format, period_text=form.describe(),
                                   audit_in=audit_in(form) if audit_in is not None else None)
        context.update(document=document, query=form.query())
        if more is not None:
            context.update(more(form))
    return render(request, template, context)


REPORTS = [
    ("reports:esf", gettext_lazy("ESF+ indicators: material deprivation"),
     gettext_lazy("What was distributed and to whom, for the funder (Annex III), with drill-down.")),
    ("reports:distribution", gettext_lazy("Distribution"),
     gettext_lazy("Households and people served, kg and € by item and food group, refusals; per day, month and "
                  "location.")),
    ("reports:stock", gettext_lazy("Stock"),
     gettext_lazy("Goods received by donor type, written off, on hand and expiring.")),
    ("reports:activities", gettext_lazy("Volunteers and events"),
     gettext_lazy("Volunteer hours, fill rate of shifts, no-shows; events, registrations, attendance and waiting "
                  "lists by category.")),
    ("reports:dashboard", gettext_lazy("Dashboard"),
     gettext_lazy("Charts of collections, stock, volunteer hours and event attendance (coordinator).")),
]
REPORT_RULES = {"reports:dashboard": "reports.dashboard"}


@role_required("reports.see_reports")
def index(request):
    # Only the reports this user may open (the access table decides: the dashboard is the coordinator's).
    reports = [report for report in REPORTS if may(request.user, REPORT_RULES.get(report[0], "reports.see_reports"))]
    return render(request, "reports/index.html", {"title": _("Reports"), "reports": reports})


@exports("xlsx", "pdf")
@role_required("reports.see_reports")
def esf_indicators(request):
    def build(form):
        report = esf.esf_report(form.period())
        query = form.query()
        drill = reverse("reports:esf_drill")

        def link(figure):
            if not figure.drill:
                return None
            params = "&".join(f"{k}={v}" for k, v in figure.drill.items())
            return f"{drill}?{query}&{params}"

        return esf.as_document(report, subtitle=form.describe(), link=link)

    return render_report(request, PeriodForm(request.GET or None), build, template="reports/esf.html",
                         extra={"title": _("ESF+ indicators: material deprivation")}, more=_submission_context)


def _household_url(household_id):
    try:
        return reverse("distribution:household", args=[household_id])
    except NoReverseMatch:
        return None


@role_required("reports.see_reports")
def esf_drill(request):
    """The people or collections behind one ESF+ figure (personal data: staff only, audited)."""
    form = PeriodForm(request.GET or None)
    context = {"form": form, "title": _("Behind the figure"), "people": None, "collections": None}
    if not form.is_valid():
        return render(request, "reports/esf_drill.html", context)
    period = form.period()
    value = request.GET.get("value")
    support = request.GET.get("support")
    group = request.GET.get("group") or None
    answer = request.GET.get("answer") or "yes"
    limit = 2000
    try:
        with replica_reads():
            rows = (esf.drill_values(period, value, limit=limit + 1) if value else
                    esf.drill_people(period, support=support, group=group, answer=answer, limit=limit + 1))
        if value:
            figure_label = _("Value: %(what)s") % {"what": VALUE_LABELS[value]}
        else:
            figure_label = _describe_people(support, group, answer)
    except (KeyError, ValueError):
        context["error"] = _("This figure does not exist. Open it again from the report.")
        return render(request, "reports/esf_drill.html", context, status=400)
    truncated = len(rows) > limit
    rows = rows[:limit]
    if value:
        for row in rows:
            row["household_url"] = _household_url(row["household_id"])
        context["collections"] = rows
        households = {row["household_id"] for row in rows}
    else:
        households = {row["household_id"] for row in rows}
        with replica_reads():
            people = distribution_reporting.people_by_id(r["person_id"] for r in rows)
            # An anonymous hand-out's people have a label in place of a household (no collections to list).
            collections = distribution_reporting.collections_of(period, [h for h in households if isinstance(h, int)])
        by_household: dict = {}
        for collection in collections:
            by_household.setdefault(collection["household_id"], []).append(collection)
        for row in rows:
            person = people.get(row["person_id"])
            row["name"] = person.full_name if person else ""
            row["household_url"] = _household_url(row["household_id"])
            row["household_collections"] = by_household.get(row["household_id"], [])
        context["people"] = rows
    audit(AuditLog.Action.VIEW, None, object_repr=str(_("ESF+ drill-down")),
          changes={"figure": str(figure_label), "period": form.describe(), "households": len(households)})
    context.update(figure_label=figure_label, truncated=truncated, limit=limit, query=form.query(),
                   subtitle=form.describe())
    return render(request, "reports/esf_drill.html", context)


def _describe_people(support, group, answer):
    supports = {"food": _("end recipients of food support"), "material": _("end recipients of material support"),
                "any": _("people in the households that collected")}
    if support not in supports:
        raise ValueError(support)
    text = str(supports[support])
    if group:
        if group not in esf.GROUP_LABELS:
            raise ValueError(group)
        text += " · " + str(esf.GROUP_LABELS[group])
        if answer == "not_declared":
            text += " · " + _("not declared")
    return text


@exports("xlsx", "pdf")
@role_required("reports.see_reports")
def distribution(request):
    return render_report(
        request, PeriodForm(request.GET or None),
        lambda form: operations.distribution_document(form.period(), form.describe()),
        extra={"title": _("Distribution")})


@exports("xlsx", "pdf")
@role_required("reports.see_reports")
def stock(request):
    def build(form):
        period = form.period()
        return operations.stock_document(period.start, period.end, period.location_id, form.describe())

    return render_report(request, PeriodForm(request.GET or None, with_programme=False), build,
                         extra={"title": _("Stock")})


@exports("xlsx", "pdf")
@role_required("reports.see_reports")
def activities_report(request):
    def build(form):
        period = form.period()
        return activities.activities_document(period.start, period.end, period.location_id, form.describe())

    return render_report(request, PeriodForm(request.GET or None, with_programme=False), build,
                         extra={"title": _("Volunteers and events")})


@role_required("reports.dashboard")
def dashboard_page(request):
    form = PeriodForm(request.GET or None)
    context = {"form": form, "title": _("Dashboard"), "charts": None}
    if form.is_valid():
        with replica_reads():
            charts = dashboard.dashboard_charts(form.period())
        context.update(charts=charts, subtitle=form.describe())
    return render(request, "reports/dashboard.html", context)


def _submission_context(form) -> dict:
    """The submitted version of this period's report, if any, and what now differs from it."""
    period = form.period()
    submitted = submissions.submitted_for(period)
    if submitted is None:
        return {"submitted": None, "submit_form": SubmitForm(initial={"period_query": form.query()})}
    changes = submissions.differences(submitted, period)
    for change in changes:
        change.household_links = [(household, answer, then, now, _household_url(household))
                                  for household, answer, then, now in change.households]
    return {"submitted": submitted, "differences": changes}


@require_POST
@role_required("reports.see_reports")
def esf_submit(request):
    """Mark the period's ESF+ report as submitted (kept as it is now, with its XLSX and PDF)."""
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Open the report again and mark it as submitted from there."))
        return redirect("reports:esf")
    query = form.cleaned_data["period_query"]
    period_form = PeriodForm(QueryDict(query))
    if not period_form.is_valid():
        messages.error(request, _("Open the report again and mark it as submitted from there."))
        return redirect("reports:esf")
    submissions.submit_esf_report(period_form.period(), subtitle=period_form.describe(), by=request.user,
                                  note=form.cleaned_data["note"])
    messages.success(request, _("The report was marked as submitted and kept as it is now."))
    return redirect(f"{reverse('reports:esf')}?{query}")


@role_required("reports.see_reports")
def esf_submitted_file(request, pk, export_format):
    """The XLSX or PDF of a submitted report, byte for byte as it was submitted."""
    submitted = get_object_or_404(SubmittedReport, pk=pk)
    if export_format not in CONTENT_TYPES:
        raise Http404
    body, checksum = submissions.stored_file(submitted, export_format, by=request.user)
    response = HttpResponse(body, content_type=CONTENT_TYPES[export_format])
    response["Content-Disposition"] = (f'attachment; filename="esf-plus-submitted-{submitted.pk}-'
                                       f'{submitted.submitted_at:%Y%m%d}.{export_format}"')
    response["X-Content-SHA256"] = checksum
    return response
