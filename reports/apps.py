from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")
    access = {
        "reports.see_reports": (("staff",), _("Reports and the funders' figures")),
    }
    navigation = [
        ("reports:dashboard", _("Dashboard"), ("coordinator",)),
        ("reports:index", _("Reports"), "reports.see_reports"),
    ]
