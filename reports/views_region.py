"""The region's pages, for a regional or municipal role (core.Oversight, the access rule
"reports.see_region"): a menu of reports, and each report per centre and summed over the centres of the
area, with its XLSX and PDF. Only counts and sums (reports.region); exports are audited."""

import functools

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import exports
from core.oversight import area_name, centres_overseen, oversights_of
from core.roles import role_required

from . import region
from .forms import RegionPeriodForm
from .views import render_report

REGION_REPORTS = [
    ("reports:region_esf", gettext_lazy("ESF+ indicators: material deprivation"),
     gettext_lazy("The funder's figures (Annex III) of each centre and their sum.")),
    ("reports:region_distribution", gettext_lazy("Distribution"),
     gettext_lazy("Distribution days, collections, people, kg and € per centre and per month; hand-outs; refused "
                  "scans.")),
    ("reports:region_stock", gettext_lazy("Stock"),
     gettext_lazy("Goods received, written off, on hand and expiring, per centre.")),
    ("reports:region_activities", gettext_lazy("Volunteers and events"),
     gettext_lazy("Volunteer hours and shifts, events and attendance, per centre.")),
]


@role_required("reports.see_region")
def region_index(request):
    """The home of a regional or municipal role: the areas overseen, their centres, and the reports."""
    areas = [(area_name(oversight), centres_overseen(oversight)) for oversight in oversights_of(request.user)]
    return render(request, "reports/region_index.html", {"title": _("The region's reports"), "areas": areas,
                                                         "reports": REGION_REPORTS})


def _region_report(request, build, title):
    form = RegionPeriodForm(request.GET or None, oversights=oversights_of(request.user))

    @functools.cache  # once a request: the page or the file, and its audit entries
    def area(form):
        oversight = form.oversight()
        return oversight, region.Area(area_name(oversight), centres_overseen(oversight))

    def document(form):
        period = form.period()
        return build(area(form)[1], period.start, period.end, form.describe())

    def audit_in(form):
        # The figures are the area's centres': each centre's log says the region exported them.
        oversight, overseen = area(form)
        return [centre.pk for centre in overseen.centres], oversight.role

    return render_report(request, form, document, template="reports/region_report.html", extra={"title": title},
                         audit_in=audit_in)


@exports("xlsx", "pdf")
@role_required("reports.see_region")
def region_esf(request):
    return _region_report(request, region.esf_document, _("ESF+ indicators: material deprivation"))


@exports("xlsx", "pdf")
@role_required("reports.see_region")
def region_distribution(request):
    return _region_report(request, region.distribution_document, _("Distribution"))


@exports("xlsx", "pdf")
@role_required("reports.see_region")
def region_stock(request):
    return _region_report(request, region.stock_document, _("Stock"))


@exports("xlsx", "pdf")
@role_required("reports.see_region")
def region_activities(request):
    return _region_report(request, region.activities_document, _("Volunteers and events"))
