from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")
    access = {
        "volunteers.own_shifts": (("volunteer", "coordinator"), _("Volunteer shifts (your own, and those you may "
                                                                   "take)")),
        "volunteers.manage": (("coordinator",), _("The volunteer roster and shifts")),
    }
    navigation = [
        ("volunteers:board", _("Volunteer board"), ("coordinator",)),
        ("volunteers:roster", _("Volunteers"), ("coordinator",)),
        ("volunteers:shifts", _("Shifts"), ("coordinator",)),
        ("volunteers:hours", _("Hours"), ("coordinator",)),
        ("volunteers:me", _("My shifts"), ("volunteer",)),
    ]

    def ready(self):
        from core import place_time

        place_time.register("volunteers.shifts", _shifts_at_place_and_time)
        post_save.connect(_new_centre, sender="core.Centre", dispatch_uid="volunteers.new_centre_skills")

    def ensure_reference_data(self, using="default"):
        """The standard skills exist after every migrate and flush (see core.roles)."""
        from .reference import ensure_standard_skills

        ensure_standard_skills(using)

    def home_panels(self, request, role):
        from . import selectors

        if role == "coordinator":
            rows = selectors.board(days=7)
            return [{"title": _("Volunteer shifts this week"), "template": "volunteers/_home_coordinator.html",
                     "context": {"shifts": len(rows), "short": [r for r in rows if r.state == "bad"][:5],
                                 "dropouts": list(selectors.dropouts()[:10])}}]
        volunteer = selectors.volunteer_of(request.user)
        if role == "volunteer" and volunteer is not None:
            return [{"title": _("My next shifts"), "template": "volunteers/_home_volunteer.html",
                     "context": {"upcoming": list(selectors.my_assignments(volunteer)[:3])}}]
        return []


def _shifts_at_place_and_time(context, location, start, end) -> str:
    """For core.place_time: the shifts at this location overlapping [start, end), with gaps."""
    from django.template.loader import render_to_string

    from . import selectors

    return render_to_string("volunteers/_shifts_at.html", {
        "shifts": list(selectors.shifts_at(location, start, end)), "user_role": context.get("user_role", "")})


def _new_centre(sender, instance, created, raw=False, using="default", **kwargs):
    """A new centre starts with the standard skills on its coordinator's list."""
    if created and not raw:
        from core.tenancy import centre_scope

        from .reference import ensure_centre_skills

        with centre_scope(instance):
            ensure_centre_skills(using)
