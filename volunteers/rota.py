"""The rota at a glance: a week grid (shifts × days) and a month calendar, with names and open places.

A read model for the coordinator's rota page, its print view and its CSV/XLSX export, and for a
volunteer's own grid (their shifts and those they may take; nobody else's name).

- `week`: one row per kind of shift (location, role, hours), one column per day, Monday to Sunday;
  a cell holds that day's shift(s) of the row.
- `month`: the weeks of the month, Monday to Sunday, each day listing its shifts (a month of 31
  day-columns with names would not fit a printed page).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .models import Assignment, Shift

VIEWS = ("week", "month")


@dataclass
class RotaShift:
    """One shift in the grid: who is on it (confirmed or not yet) and how many places are open."""

    shift: Shift
    confirmed: list = field(default_factory=list)    # volunteers
    unconfirmed: list = field(default_factory=list)  # volunteers asked who have not answered yet
    mine: bool = False  # the volunteer's own view: they are on it

    @property
    def open_places(self) -> int:
        return max(self.shift.max_people - self.shift.booked, 0)

    @property
    def missing(self) -> int:
        return max(self.shift.min_people - self.shift.booked, 0)

    @property
    def state(self) -> str:
        return "bad" if self.missing else ("warn" if self.unconfirmed else "ok")

    @property
    def names(self) -> list[str]:
        return [v.full_name for v in self.confirmed] + [f"{v.full_name} (?)" for v in self.unconfirmed]


@dataclass
class RotaRow:
    """A kind of shift in the week grid: a location, a role and its hours."""

    location: object
    role_label: str
    starts: time
    ends: time
    cells: list  # one list of RotaShift per day of the week


@dataclass
class RotaDay:
    day: date
    in_period: bool
    shifts: list = field(default_factory=list)


@dataclass
class Rota:
    view: str
    anchor: date
    start: date  # first day shown
    end: date    # the day after the last day shown
    days: list   # the days of the columns (week) or of the calendar (month), as RotaDay
    rows: list = field(default_factory=list)   # week: RotaRow
    weeks: list = field(default_factory=list)  # month: lists of 7 RotaDay
    shifts: list = field(default_factory=list)  # every RotaShift in order (for the export)

    @property
    def previous(self) -> date:
        if self.view == "week":
            return self.anchor - timedelta(days=7)
        return (self.anchor.replace(day=1) - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        if self.view == "week":
            return self.anchor + timedelta(days=7)
        return (self.anchor.replace(day=28) + timedelta(days=4)).replace(day=1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def period(view: str, anchor: date) -> tuple[date, date, date]:
    """(first day shown, day after the last, first day of the period proper) of the week or month."""
    if view == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=7), start
    first = anchor.replace(day=1)
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    start = first - timedelta(days=first.weekday())
    end = following + timedelta(days=(7 - following.weekday()) % 7)
    return start, end, first


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), zone),
            timezone.make_aware(datetime.combine(end, time.min), zone))


def _shifts(start: date, end: date, *, location=None, only=None):
    since, until = _bounds(start, end)
    qs = (Shift.objects.filter(cancelled_at__isnull=True, starts_at__gte=since, starts_at__lt=until)
          .select_related("location")
          .prefetch_related(Prefetch("assignments", to_attr="people",
                                     queryset=Assignment.objects.filter(status__in=Assignment.ACTIVE)
                                     .select_related("volunteer").order_by("volunteer__last_name",
                                                                           "volunteer__first_name")))
          .order_by("starts_at", "location__name", "role"))
    if location is not None:
        qs = qs.filter(location=location)
    if only is not None:
        qs = qs.filter(pk__in=only)
    return list(qs)


def build(view: str, anchor: date, *, location=None, volunteer=None, open_ids=None) -> Rota:
    """The rota of the week or month around `anchor`.

    For a volunteer's own view pass `volunteer` and `open_ids` (the shifts they may take): the grid
    then holds their shifts and those, and names nobody.
    """
    view = view if view in VIEWS else "week"
    start, end, first = period(view, anchor)
    only = None
    if volunteer is not None:
        own = set(Assignment.objects.filter(volunteer=volunteer, status__in=Assignment.ACTIVE,
                                            shift__starts_at__gte=_bounds(start, end)[0])
                  .values_list("shift_id", flat=True))
        only = own | set(open_ids or ())
    entries = []
    for shift in _shifts(start, end, location=location, only=only):
        entry = RotaShift(shift=shift)
        if volunteer is not None:
            entry.mine = any(a.volunteer_id == volunteer.pk for a in shift.people)
        else:
            for assignment in shift.people:
                target = entry.confirmed if assignment.status == Assignment.Status.CONFIRMED else entry.unconfirmed
                target.append(assignment.volunteer)
        entries.append(entry)
    count = (end - start).days
    days = [RotaDay(day=start + timedelta(days=i),
                    in_period=view == "week" or (start + timedelta(days=i)).month == first.month)
            for i in range(count)]
    by_day = {d.day: d for d in days}
    for entry in entries:
        by_day[timezone.localtime(entry.shift.starts_at).date()].shifts.append(entry)
    rota = Rota(view=view, anchor=anchor, start=start, end=end, days=days, shifts=entries)
    if view == "week":
        rota.rows = _rows(entries, start)
    else:
        rota.weeks = [days[i:i + 7] for i in range(0, count, 7)]
    return rota


def _rows(entries, start: date) -> list[RotaRow]:
    rows: dict = {}
    for entry in entries:
        shift = entry.shift
        begins, ends = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        key = (shift.location.name, shift.location_id, begins.time(), ends.time(), shift.role)
        if key not in rows:
            rows[key] = RotaRow(location=shift.location, role_label=shift.get_role_display(),
                                starts=begins.time(), ends=ends.time(), cells=[[] for _ in range(7)])
        rows[key].cells[(begins.date() - start).days].append(entry)
    return [rows[key] for key in sorted(rows, key=lambda k: (k[0], k[2], k[3], k[4]))]


def export_rows(rota: Rota) -> tuple[list, list]:
    """Headers and rows of the rota's spreadsheet: one row per shift, with the names."""
    headers = [_("date"), _("day"), _("starts"), _("ends"), _("location"), _("role"), _("places (min–max)"),
               _("booked"), _("open places"), _("missing"), pgettext("rota: volunteers who", "confirmed"),
               _("not confirmed yet")]
    rows = []
    for entry in rota.shifts:
        shift = entry.shift
        begins, ends = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
        rows.append([begins.date(), _weekday(begins.date()), begins.strftime("%H:%M"), ends.strftime("%H:%M"),
                     shift.location.name, shift.get_role_display(), f"{shift.min_people}–{shift.max_people}",
                     shift.booked, entry.open_places, entry.missing,
                     ", ".join(v.full_name for v in entry.confirmed),
                     ", ".join(v.full_name for v in entry.unconfirmed)])
    return headers, rows


def _weekday(day: date) -> str:
    from django.utils.dateformat import format as date_format

    return date_format(day, "l")
