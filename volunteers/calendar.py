"""Shifts as an iCalendar feed (RFC 5545) with the `icalendar` package."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Assignment


def shifts_calendar(shifts, *, name: str, statuses=None, with_people: bool = False) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Kypseli//Volunteer shifts//EL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval;value=duration", "PT1H")
    now = timezone.now()
    for shift in shifts:
        event = Event()
        event.add("uid", f"shift-{shift.pk}@kypseli")
        event.add("dtstamp", now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"{shift.get_role_display()} · {shift.location.name}")
        event.add("location", shift.location.address or shift.location.name)
        lines = [shift.description] if shift.description else []
        if with_people:
            people = [a.volunteer.full_name for a in getattr(shift, "people", []) if a.status in Assignment.ACTIVE]
            lines.append(_("People: %(booked)s of %(min)s-%(max)s") % {
                "booked": len(people), "min": shift.min_people, "max": shift.max_people})
            lines.extend(people)
        if lines:
            event.add("description", "\n".join(lines))
        status = (statuses or {}).get(shift.pk)
        event.add("status", "TENTATIVE" if status == Assignment.Status.ASSIGNED else "CONFIRMED")
        calendar.add_component(event)
    return calendar
