from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    access = {
        "reports.see_reports": (("staff",), _("Reports and the funders' figures")),
        "reports.dashboard": (("coordinator",), _("The dashboard's charts")),
    }
    navigation = [
        ("reports:dashboard", _("Dashboard"), "reports.dashboard"),
        ("reports:index", _("Reports"), "reports.see_reports"),
    ]
