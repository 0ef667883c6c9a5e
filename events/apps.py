from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    access = {
        "events.manage_events": (("staff",), _("Events and their registrations")),
        "events.check_in": (("staff", "volunteer"), _("Checking tickets in at the door")),
    }
    navigation = [
        ("events:staff_list", _("Events"), "events.manage_events"),
        ("events:door", _("Event check-in"), ("volunteer",)),
    ]

    def ready(self):
        from core.idempotency import register_purger

        from .services.door import purge_request_ids

        register_purger("ticket check-ins", purge_request_ids)

        from core import staffing

        from .staffing import event_needs

        staffing.register("events.helpers", event_needs)

    def home_panels(self, request, role):
        from core.roles import STAFF, VOLUNTEER, has_role

        from . import selectors

        if not has_role(request.user, STAFF, VOLUNTEER):
            return []
        today = list(selectors.todays_events())
        panels = []
        if today:
            panels.append({"title": _("Events today"), "template": "events/panels/today.html",
                           "context": {"events": today}})
        if has_role(request.user, STAFF):
            upcoming = list(selectors.public_events()[:5])
            panels.append({"title": _("Upcoming events"), "template": "events/panels/upcoming.html",
                           "context": {"events": upcoming}})
        return panels
