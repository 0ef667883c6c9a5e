"""A single-centre database's events, registrations, check-ins, kept scan answers and offline check-ins
move into the first centre with nothing lost (events 0010)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from core.tenancy import scopes_disabled
from tests.migrating import before, latest, migrate


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_a_single_centre_databases_events_move_into_the_first_centre():
    old = migrate(before("events", "0009_offline_door"))
    try:
        Centre, Location, User = (old.get_model("core", name) for name in ("Centre", "Location", "User"))
        Event, Registration, CheckIn, ScanRequest, OfflineCheckIn = (
            old.get_model("events", name)
            for name in ("Event", "Registration", "CheckIn", "ScanRequest", "OfflineCheckIn"))
        first = Centre.objects.order_by("pk").first()
        hall = Location.objects.create(name="Αίθουσα", kind="site", centre_id=first.pk)
        maria = User.objects.create(username="maria")
        now = timezone.now()
        event = Event.objects.create(title_el="Εργαστήρι", location=hall, starts_at=now,
                                     ends_at=now + timedelta(hours=2), capacity=10, places_taken=1,
                                     status="published", published_at=now)
        ticket = Registration.objects.create(event=event, name="Ελένη", email="e@example.org", places=1,
                                             status="confirmed", ticket_code="EVT-OLD", manage_token="old-link")
        checkin = CheckIn.objects.create(registration=ticket, by=maria)
        scan = ScanRequest.objects.create(request_id=uuid.uuid4(), event=event, code="EVT-OLD", outcome="checked_in",
                                          http_status=201, by=maria)
        OfflineCheckIn.objects.create(event=event, registration=ticket, reason="already_checked_in",
                                      checkin=checkin, at=now, by=maria, request=scan)
    finally:
        migrate(latest())

    from events.models import CheckIn, Event, OfflineCheckIn, Registration, ScanRequest

    with scopes_disabled():
        for model in (Event, Registration, CheckIn, ScanRequest, OfflineCheckIn):
            assert list(model.objects.values_list("centre_id", flat=True)) == [first.pk], model
        moved = Registration.objects.get()
        assert (moved.pk, moved.ticket_code, moved.manage_token, moved.event.title_el, moved.checkin.by.username) == (
            ticket.pk, "EVT-OLD", "old-link", "Εργαστήρι", "maria")
