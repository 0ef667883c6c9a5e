"""iCalendar (.ics) for one event and for the feed of all public events (icalendar library)."""

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.links import absolute_url
from core.models import Centre

from .models import Event


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Kypseli//Events//EL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", Centre.current().short_name or Centre.current().name)
    return calendar


def _component(event: Event, request=None) -> CalendarEvent:
    url = absolute_url(reverse("events:public_detail", args=[event.pk]), request)
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@kypseli")
    item.add("summary", event.title)
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("dtstamp", event.updated_at or timezone.now())
    item.add("description", f"{event.description}\n\n{url}".strip())
    item.add("location", ", ".join(p for p in [event.location.name, event.room, event.location.address] if p))
    item.add("url", url)
    item.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    return item


def event_calendar(event: Event, request=None) -> bytes:
    calendar = _calendar()
    calendar.add_component(_component(event, request))
    return calendar.to_ical()


def events_calendar(events, request=None) -> bytes:
    calendar = _calendar()
    for event in events:
        calendar.add_component(_component(event, request))
    return calendar.to_ical()
