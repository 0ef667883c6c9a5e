"""The fairness report: each volunteer's hours over a period against their fair share (the period's
hours shared in proportion to each one's availability, less absences), as a table and a chart."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .forms import DATE
from .models import Assignment, Volunteer
from .services.planning import quarter_of

BAR_HEIGHT, GAP, LABEL_WIDTH, CHART_WIDTH = 18, 6, 220, 640


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("from"), widget=DATE, required=False)
    until = forms.DateField(label=_("until"), widget=DATE, required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The last day cannot be before the first."))
        if data.get("since") and data.get("until") and (data["until"] - data["since"]).days > 400:
            self.add_error("until", _("Choose at most a year."))
        return data


def period(form: PeriodForm) -> tuple[date, date]:
    """The chosen period, or the current quarter."""
    first, last = quarter_of(timezone.localdate())
    if form.is_bound and form.is_valid():
        return form.cleaned_data.get("since") or first, form.cleaned_data.get("until") or last
    return first, last


@dataclass
class Row:
    volunteer: Volunteer
    hours: float
    available: float
    share: float = 0.0

    @property
    def difference(self) -> float:
        return round(self.hours - self.share, 1)


def _available_hours(volunteer, since: date, until: date) -> float:
    weekly = sum((datetime.combine(since, a.end_time) - datetime.combine(since, a.start_time)).total_seconds() / 3600
                 for a in volunteer.availability.all())
    days = (until - since).days + 1
    away = sum(max(0, (min(a.ends_on, until) - max(a.starts_on, since)).days + 1) for a in volunteer.absences.all())
    return weekly * max(days - away, 0) / 7


def rows(since: date, until: date) -> list[Row]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(since, time(0), tzinfo=zone)
    end = datetime.combine(until + timedelta(days=1), time(0), tzinfo=zone)
    served = {}
    for volunteer_id, begins, ends, hours in Assignment.objects.filter(
            status__in=Assignment.ACTIVE, starts_at__gte=start, starts_at__lt=end).exclude(
            attendance=Assignment.Attendance.NO_SHOW).values_list("volunteer_id", "starts_at", "ends_at", "hours"):
        served[volunteer_id] = served.get(volunteer_id, 0.0) + (
            float(hours) if hours is not None else (ends - begins).total_seconds() / 3600)
    people = Volunteer.objects.filter(status__in=(Volunteer.Status.ACTIVE, Volunteer.Status.PAUSED)).prefetch_related(
        "availability", "absences")
    result = [Row(v, round(served.get(v.pk, 0.0), 1), round(_available_hours(v, since, until), 1)) for v in people]
    total, weights = sum(r.hours for r in result), sum(r.available for r in result)
    for row in result:
        row.share = round(total * row.available / weights, 1) if weights else 0.0
    return sorted(result, key=lambda r: (-abs(r.difference), r.volunteer.last_name))


def chart(data: list[Row]) -> dict:
    """Geometry of the SVG chart: one bar per volunteer (hours) and a mark at their fair share."""
    top = max([r.hours for r in data] + [r.share for r in data] + [1])
    scale = (CHART_WIDTH - LABEL_WIDTH - 20) / top
    bars = []
    for n, row in enumerate(data):
        y = n * (BAR_HEIGHT + GAP)
        bars.append({"row": row, "y": y, "text_y": y + BAR_HEIGHT - 4, "width": round(row.hours * scale, 1),
                     "share_x": round(LABEL_WIDTH + row.share * scale, 1), "over": row.difference > 0})
    return {"bars": bars, "width": CHART_WIDTH, "height": max(len(data), 1) * (BAR_HEIGHT + GAP),
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT, "value_x": LABEL_WIDTH - 8}
