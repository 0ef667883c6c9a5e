from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    access = {
        "reports.see_reports": (("staff",), _("Reports and the funders' figures")),
        "reports.dashboard": (("coordinator",), _("The dashboard's charts")),
        # The regional and municipal roles (core.Oversight): aggregates of their centres, never a person.
        "reports.see_region": (("region", "municipality"), _("The figures of the region's centres")),
    }
    navigation = [
        ("reports:dashboard", _("Dashboard"), "reports.dashboard"),
        ("reports:index", _("Reports"), "reports.see_reports"),
        ("reports:region", _("The region's reports"), "reports.see_region"),
    ]

    def home_panels(self, request, role):
        """The home of a regional or municipal role: its reports (it has no role at any centre)."""
        from core.roles import may

        if not may(request.user, "reports.see_region"):
            return []
        from .views_region import REGION_REPORTS

        return [{"title": _("The region's reports"), "template": "reports/_home_region.html",
                 "context": {"reports": REGION_REPORTS}}]
