import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Shift, Volunteer


class VolunteerTable(tables.Table):
    full_name = tables.LinkColumn("volunteers:volunteer", args=[tables.A("pk")], verbose_name=_("name"),
                                  order_by=("last_name", "first_name"))
    languages = tables.Column(verbose_name=_("languages"), empty_values=(), orderable=False)

    class Meta:
        model = Volunteer
        fields = ["full_name", "status", "phone", "email", "languages", "applied_at"]

    def render_languages(self, record):
        return ", ".join(str(lang.get_language_display()) for lang in record.languages.all())

    def value_languages(self, record):
        return self.render_languages(record)


class ShiftTable(tables.Table):
    starts_at = tables.TemplateColumn(
        '<a href="{% url "volunteers:shift" record.pk %}">{{ record.starts_at|date:"D d/m/Y H:i" }}</a>',
        verbose_name=_("starts"), order_by="starts_at")
    ends_at = tables.DateTimeColumn(format="H:i", verbose_name=_("ends"))
    fill = tables.Column(verbose_name=_("people"), empty_values=(), orderable=False)
    names = tables.Column(verbose_name=_("who"), empty_values=(), orderable=False)

    class Meta:
        model = Shift
        fields = ["starts_at", "ends_at", "location", "role", "signup_mode", "fill", "names", "cancelled_at"]

    def render_names(self, record):
        """Those on the shift; "(?)" after those who have not confirmed yet."""
        people = getattr(record, "people", None)
        if people is None:
            people = record.assignments.filter(status__in=Assignment.ACTIVE).select_related("volunteer")
        return ", ".join(a.volunteer.full_name + ("" if a.status == Assignment.Status.CONFIRMED else " (?)")
                         for a in people) or "—"

    def value_names(self, record):
        return self.render_names(record)

    def render_fill(self, record):
        css = "badge-bad" if record.booked < record.min_people else "badge-ok"
        return format_html('<span class="badge {}">{} / {}–{}</span>', css, record.booked, record.min_people,
                           record.max_people)

    def value_starts_at(self, record):
        return f"{timezone.localtime(record.starts_at):%Y-%m-%d %H:%M}"

    def value_ends_at(self, record):
        return f"{timezone.localtime(record.ends_at):%Y-%m-%d %H:%M}"

    def value_fill(self, record):
        return f"{record.booked}/{record.min_people}-{record.max_people}"


class HoursTable(tables.Table):
    full_name = tables.LinkColumn("volunteers:volunteer", args=[tables.A("pk")], verbose_name=_("name"),
                                  order_by=("last_name", "first_name"))
    shifts_served = tables.Column(verbose_name=_("shifts"))
    hours_served = tables.Column(verbose_name=_("approved hours"))
    certificate = tables.TemplateColumn(
        '{% load i18n %}<a href="{% url "volunteers:certificate" record.pk %}{% if request.GET.since or '
        'request.GET.until %}?since={{ request.GET.since }}&until={{ request.GET.until }}{% endif %}">'
        '{% translate "Certificate (PDF)" %}</a>',
        verbose_name=_("certificate"), orderable=False, exclude_from_export=True)

    class Meta:
        model = Volunteer
        fields = ["full_name", "status", "shifts_served", "hours_served"]
