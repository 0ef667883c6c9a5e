"""Events belong to a centre: a person of one centre never reaches another centre's events,
registrations, tickets or door (each answers 404), and the door's scan costs no query more."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.services import create_api_token, forget_tokens
from core.tenancy import centre_scope
from events.models import CheckIn, Event, OfflineCheckIn, Registration, ScanRequest
from events.services import door
from tests.factories import CentreFactory, LocationFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db

SCAN_QUERIES = 13  # measured on the single-centre code (main before the sweep) and after it: the same


@pytest.fixture
def elsewhere(sign_up, staff_user):
    """Centre B's event, with a confirmed registration checked in at its door."""
    other = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")
    with centre_scope(other):
        event = EventFactory(title_el="Εκδήλωση της Καβάλας", location=LocationFactory(name="Αίθουσα Καβάλας"))
        ticket = sign_up(event)
        door.check_in_ticket(event, ticket.ticket_code, request_id=uuid.uuid4(), by=staff_user)
        assert event.centre == ticket.centre == CheckIn.objects.get().centre == other
    return event, ticket


def test_another_centres_event_pages_answer_404(staff_client, elsewhere):
    event, ticket = elsewhere
    for name in ("staff_event", "event_edit", "event_sessions", "event_message", "registrations",
                 "registration_add", "checkin", "door_list", "public_detail", "event_ics"):
        assert staff_client.get(reverse(f"events:{name}", args=[event.pk])).status_code == 404, name
    for name in ("event_publish", "event_unpublish", "event_cancel", "event_edit", "checkin", "register"):
        assert staff_client.post(reverse(f"events:{name}", args=[event.pk]), {"code": ticket.ticket_code,
                 "request_id": str(uuid.uuid4())}).status_code == 404, name
    assert staff_client.get(reverse("events:staff_registration", args=[ticket.pk])).status_code == 404
    for action in ("cancel", "approve", "decline", "household"):
        assert staff_client.post(reverse("events:registration_action", args=[ticket.pk, action])).status_code == 404
    assert staff_client.post(reverse("events:tick", args=[event.pk, ticket.pk]), {"checked": "0"}).status_code == 404
    for name in ("manage", "manage_cancel"):
        assert staff_client.get(reverse(f"events:{name}", args=[ticket.manage_token])).status_code == 404, name
    # Nor in the lists, the feeds or the reports.
    for name in ("staff_list", "door", "attendance", "public_list", "feed_ics", "feed_rss"):
        assert "Καβάλας" not in staff_client.get(reverse(f"events:{name}")).content.decode(), name
    with centre_scope(event.centre):
        assert CheckIn.objects.filter(registration=ticket).exists(), "nothing of centre B changed"
        assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
        assert Registration.objects.get(pk=ticket.pk).status == Registration.Status.CONFIRMED


def test_another_centres_events_are_out_of_reach_of_the_api(client, staff_user, elsewhere):
    event, ticket = elsewhere
    _token, key = create_api_token(staff_user, "πόρτα")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(f"/api/v1/events/{event.pk}", **auth).status_code == 404
    assert event.pk not in [row["id"] for row in client.get("/api/v1/events", **auth).json()]
    assert client.get(f"/api/v1/events/{event.pk}/registrations", **auth).status_code == 404
    assert client.get(f"/api/v1/events/{event.pk}/door-manifest", **auth).status_code == 404
    scan = client.post("/api/v1/checkins", {"code": ticket.ticket_code, "event": event.pk,
                                            "request_id": str(uuid.uuid4())}, content_type="application/json", **auth)
    assert scan.status_code == 404
    batch = client.post("/api/v1/checkins/batch", {"checkins": [
        {"code": ticket.ticket_code, "event": event.pk, "request_id": str(uuid.uuid4()),
         "made_at": event.starts_at.isoformat()}]}, content_type="application/json", **auth)
    assert [row["status"] for row in batch.json()["results"]] == [404]
    assert not ScanRequest.objects.exists() and not OfflineCheckIn.objects.exists()
    # Centre A's own event with B's ticket: an unknown ticket, not B's registration.
    here = EventFactory()
    mine = client.post("/api/v1/checkins", {"code": ticket.ticket_code, "event": here.pk,
                                            "request_id": str(uuid.uuid4())}, content_type="application/json", **auth)
    assert mine.json()["outcome"] == "unknown_ticket"


def test_the_door_scan_costs_no_query_more(client, staff_user, sign_up):
    event = EventFactory(capacity=5)
    first, second = sign_up(event), sign_up(event)
    _token, key = create_api_token(staff_user, "πόρτα")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def scan(ticket):
        return client.post("/api/v1/checkins", {"code": ticket.ticket_code, "event": event.pk,
                                                "request_id": str(uuid.uuid4())}, content_type="application/json",
                           **auth)

    assert scan(first).status_code == 201  # the token and the role are kept by the process from here
    with CaptureQueriesContext(connection) as queries:
        assert scan(second).status_code == 201
    assert len(queries) == SCAN_QUERIES, [q["sql"] for q in queries]
    forget_tokens()
