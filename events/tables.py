import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Event, Registration


class EventTable(tables.Table):
    title_el = tables.LinkColumn("events:staff_event", args=[tables.A("pk")], verbose_name=_("Title"))
    starts_at = tables.DateTimeColumn(verbose_name=_("Starts"), format="d/m/Y H:i")
    places_taken = tables.Column(verbose_name=_("Places taken"))

    class Meta:
        model = Event
        fields = ["title_el", "starts_at", "location", "category", "capacity", "places_taken", "status"]


class RegistrationTable(tables.Table):
    name = tables.LinkColumn("events:staff_registration", args=[tables.A("pk")],
                             text=lambda registration: registration.name or _("anonymised"), empty_values=())
    queued_at = tables.DateTimeColumn(verbose_name=_("Registered"), format="d/m/Y H:i")
    checked_in = tables.Column(verbose_name=_("Checked in"), accessor="checkin__at", default="",
                               order_by=("checkin__at",))
    answers = tables.Column(verbose_name=_("Answers"), orderable=False)
    actions = tables.TemplateColumn(template_name="events/staff/_registration_actions.html", verbose_name="",
                                    orderable=False, exclude_from_export=True)

    class Meta:
        model = Registration
        fields = ["name", "places", "status", "phone", "email", "queued_at", "source", "household_ref",
                  "checked_in", "answers"]

    def __init__(self, *args, event=None, **kwargs):
        self.questions = {str(q.pk): q for q in event.questions.all()} if event else {}
        super().__init__(*args, **kwargs)

    def render_checked_in(self, value):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%H:%M") if value else ""

    def value_checked_in(self, value):
        return value.isoformat() if value else ""

    def render_answers(self, value):
        if not value:
            return ""
        return "; ".join(f"{self.questions[k].label}: {self.questions[k].display(v)}" if k in self.questions
                         else f"{k}: {v}" for k, v in value.items())

    value_answers = render_answers
