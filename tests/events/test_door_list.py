"""The door page lists the events a door may be opened for: running now (also past midnight), starting
within the week (tomorrow morning's can be prepared tonight) and those ended in the last hours."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from events.selectors import door_events

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def event_at(start_in, hours=2, **extra):
    starts = timezone.now() + start_in
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=hours), **extra)


def test_current_upcoming_and_just_ended_events_are_listed():
    now = timezone.now()
    tomorrow_morning = event_at(timedelta(hours=14))
    past_midnight = event_at(-timedelta(hours=5), hours=8)  # started yesterday evening, still running
    just_ended = event_at(-timedelta(hours=4))
    long_ended = event_at(-timedelta(hours=10))
    far_ahead = event_at(timedelta(days=9))
    draft = event_at(timedelta(hours=1), status=Event.Status.DRAFT)
    listed = list(door_events(now))
    assert past_midnight in listed and tomorrow_morning in listed and just_ended in listed
    for absent in [long_ended, far_ahead, draft]:
        assert absent not in listed
    assert listed == sorted(listed, key=lambda event: event.starts_at)


def test_the_door_page_marks_what_runs_now(volunteer_client):
    running = event_at(-timedelta(minutes=30))
    later = event_at(timedelta(hours=20))
    html = volunteer_client.get(reverse("events:door")).content.decode()
    assert running.title_el in html and later.title_el in html
    assert html.count("<strong>τώρα</strong>") == 1


def test_the_door_says_let_in_or_not(volunteer_client, sign_up):
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=1))
    ticket = sign_up(event)

    def check_in(code):
        return volunteer_client.post("/api/v1/checkins", {"code": code, "event": event.pk,
                                                          "request_id": str(uuid.uuid4())},
                                     content_type="application/json", HTTP_ACCEPT_LANGUAGE="el").json()["display"]

    assert check_in(ticket.ticket_code)["action"] == "Είσοδος"
    assert check_in(ticket.ticket_code).get("action") is None  # the same ticket again: for the volunteer to judge
    assert check_in("EVT-NOPE")["action"] == "Όχι είσοδος"
