"""Staff pages, roles, the door (check-in) and the API."""

import uuid
from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from events.models import CheckIn, Event, Registration
from events.services import door, registrations

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def event_form(location, **extra):
    return {
        "title_el": "Εργαστήρι βιογραφικού", "title_en": "CV workshop", "description_el": "Πώς γράφουμε βιογραφικό.",
        "description_en": "", "category": "employment", "audience": "adults", "min_age": "18", "max_age": "",
        "location": location.pk, "room": "Αίθουσα 1", "starts_at": "2030-03-02T10:00", "ends_at": "2030-03-02T12:00",
        "capacity": "15", "max_places_per_registration": "1", "registration_opens_at": "",
        "registration_closes_at": "", "questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0", "questions-MAX_NUM_FORMS": "1000",
        "questions-0-label_el": "Επίπεδο σπουδών", "questions-0-kind": "text", "questions-0-required": "on",
        "questions-1-label_el": "", "questions-1-kind": "text", **extra,
    }


@pytest.mark.parametrize("url_name", ["events:staff_list", "events:event_new", "events:attendance"])
def test_staff_pages_are_for_staff_only(client, staff_user, volunteer_user, url_name):
    url = reverse(url_name)
    assert client.get(url).status_code == 302
    client.force_login(volunteer_user)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_staff_create_publish_and_cancel_an_event(staff_client, mailoutbox, sign_up):
    location = EventFactory().location
    response = staff_client.post(reverse("events:event_new"), event_form(location))
    event = Event.objects.get(title_el="Εργαστήρι βιογραφικού")
    assert response.status_code == 302 and event.status == "draft"
    assert [q.label_el for q in event.questions.all()] == ["Επίπεδο σπουδών"]
    assert staff_client.get(reverse("events:staff_event", args=[event.pk])).status_code == 200
    staff_client.post(reverse("events:event_publish", args=[event.pk]))
    event.refresh_from_db()
    assert event.status == "published"
    sign_up(event, answers={str(event.questions.get().pk): "Λύκειο"})
    staff_client.post(reverse("events:event_cancel", args=[event.pk]), {"reason": "Ασθένεια εισηγητή."})
    event.refresh_from_db()
    assert event.status == "cancelled"
    assert "Ασθένεια εισηγητή." in mailoutbox[-1].body


def test_bad_event_form_shows_errors_and_saves_nothing(staff_client):
    location = EventFactory().location
    response = staff_client.post(reverse("events:event_new"), event_form(
        location, ends_at="2030-03-02T09:00", capacity="abc"))
    assert response.status_code == 200
    assert not Event.objects.filter(title_el="Εργαστήρι βιογραφικού").exists()


def test_capacity_below_places_taken_is_refused_with_a_message(staff_client, sign_up):
    event = EventFactory(capacity=4, max_places_per_registration=1)
    for _ in range(3):
        sign_up(event)
    data = event_form(event.location, capacity="2", starts_at=event.starts_at.strftime("%Y-%m-%dT%H:%M"),
                      ends_at=event.ends_at.strftime("%Y-%m-%dT%H:%M"))
    response = staff_client.post(reverse("events:event_edit", args=[event.pk]), data)
    assert response.status_code == 200
    assert "3" in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 4


def test_add_sessions(staff_client, staff_user):
    event = EventFactory()
    starts = [event.starts_at.astimezone().replace(tzinfo=None) + __import__("datetime").timedelta(days=d)
              for d in (7, 14)]
    response = staff_client.post(reverse("events:event_sessions", args=[event.pk]),
                                 {"starts": "\n".join(s.strftime("%d/%m/%Y %H:%M") for s in starts)})
    assert response.status_code == 302
    sessions = Event.objects.filter(series=event).order_by("starts_at")
    assert sessions.count() == 2
    assert all(s.status == "published" and s.capacity == event.capacity for s in sessions)
    bad = staff_client.post(reverse("events:event_sessions", args=[event.pk]), {"starts": "αύριο"})
    assert bad.status_code == 200 and Event.objects.filter(series=event).count() == 2


def test_registrations_list_export_and_audit(staff_client, sign_up):
    event = EventFactory()
    sign_up(event, "Αϊσέ Μεμέτ")
    html = staff_client.get(reverse("events:registrations", args=[event.pk])).content.decode()
    assert "Αϊσέ Μεμέτ" in html
    assert AuditLog.objects.filter(action="view", object_id=str(event.pk)).exists()
    search = staff_client.get(reverse("events:registrations", args=[event.pk]), {"q": "aise memet"})
    assert "Αϊσέ Μεμέτ" in search.content.decode()
    csv = staff_client.get(reverse("events:registrations", args=[event.pk]), {"_export": "csv"})
    assert "Αϊσέ Μεμέτ" in csv.content.decode()
    xlsx = staff_client.get(reverse("events:registrations", args=[event.pk]), {"_export": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert AuditLog.objects.filter(action="export").count() == 2


def test_staff_add_approve_decline_and_link_household(staff_client, staff_user, sign_up):
    event = EventFactory(requires_approval=True, capacity=3)
    response = staff_client.post(reverse("events:registration_add", args=[event.pk]), {
        "name": "Φατμέ Χασάν", "phone": "6999999999", "places": "2", "language": "el",
        "household_ref": "12345", "consent": "on"})
    added = Registration.objects.get(name="Φατμέ Χασάν")
    assert response.status_code == 302 and added.status == "confirmed" and added.household_ref == "12345"
    pending = sign_up(event, "Online")
    assert pending.status == "pending"
    staff_client.post(reverse("events:registration_action", args=[pending.pk, "approve"]))
    pending.refresh_from_db()
    assert pending.status == "confirmed"
    staff_client.post(reverse("events:registration_action", args=[added.pk, "household"]),
                      {"household_ref": " 0000-0123 "})
    added.refresh_from_db()
    assert added.household_ref == "00000123", "a card number as printed is stored as its digits"
    detail = staff_client.get(reverse("events:staff_registration", args=[added.pk]))
    assert added.manage_token in detail.content.decode()
    assert AuditLog.objects.filter(action="view", object_id=str(added.pk)).exists()


def test_message_everyone(staff_client, sign_up, mailoutbox):
    event = EventFactory()
    sign_up(event, email="a@example.org")
    mailoutbox.clear()
    staff_client.post(reverse("events:event_message", args=[event.pk]), {
        "statuses": ["confirmed"], "subject": "Αλλαγή ώρας", "text": "Ξεκινάμε στις 11:00."})
    assert [m.subject for m in mailoutbox] == ["Αλλαγή ώρας"]


def test_attendance_figures(staff_client, staff_user, sign_up):
    event = EventFactory(capacity=10)
    confirmed = sign_up(event, places=3, household_ref="H1")
    sign_up(event, places=2)
    door.set_checked_in(confirmed, True, by=staff_user)
    # A past evening, late enough that its UTC date differs from its Athens date: the report
    # must count the event on its local date.
    held_at = timezone.make_aware(datetime(2025, 3, 14, 23, 30))
    Event.objects.filter(pk=event.pk).update(starts_at=held_at, ends_at=held_at + timedelta(hours=1))
    start = "2025-03-14"
    response = staff_client.get(reverse("events:attendance"), {"start": start, "end": start})
    rows = response.context["by_category"]
    assert rows == [{"category": "children", "label": rows[0]["label"], "events": 1, "cancelled": 0,
                     "capacity": 10, "confirmed_places": 5, "attended_places": 3}]
    assert response.context["by_event"][0].households_reached == 1
    bad = staff_client.get(reverse("events:attendance"), {"start": "2030-01-02", "end": "2020-01-01"})
    assert bad.status_code == 200


# --- The door ---------------------------------------------------------------------------------

def test_volunteer_checks_in_by_form_and_list_without_seeing_contacts(volunteer_client, sign_up):
    event = EventFactory()
    one = sign_up(event, "Νίκος Αθανασίου", phone="6944444444")
    two = sign_up(event, "Ζωή Παπά")
    page = volunteer_client.get(reverse("events:checkin", args=[event.pk])).content.decode()
    assert "Νίκος Αθανασίου" in page and "6944444444" not in page and two.email not in page
    request_id = str(uuid.uuid4())
    response = volunteer_client.post(reverse("events:checkin", args=[event.pk]),
                                     {"code": f" {one.ticket_code.lower()}\n", "request_id": request_id})
    assert 'data-outcome="checked_in"' in response.content.decode()
    again = volunteer_client.post(reverse("events:checkin", args=[event.pk]),
                                  {"code": one.ticket_code, "request_id": str(uuid.uuid4())})
    assert 'data-outcome="already_checked_in"' in again.content.decode()
    volunteer_client.post(reverse("events:tick", args=[event.pk, two.pk]), {"checked": "1"})
    assert CheckIn.objects.get(registration=two).method == "list"
    volunteer_client.post(reverse("events:tick", args=[event.pk, two.pk]), {"checked": "0"})
    assert not CheckIn.objects.filter(registration=two).exists()
    assert volunteer_client.get(reverse("events:registrations", args=[event.pk])).status_code == 403


def api_checkin(client, event, code, request_id=None, **headers):
    return client.post("/api/v1/checkins", {"code": code, "event": event.pk,
                                            "request_id": request_id or str(uuid.uuid4())},
                       content_type="application/json", **headers)


def test_checkin_api_outcomes(volunteer_client, sign_up):
    event = EventFactory(capacity=1)
    other_event = EventFactory()
    ticket = sign_up(event)
    waiting = sign_up(event)
    elsewhere = sign_up(other_event)
    first = api_checkin(volunteer_client, event, ticket.ticket_code)
    assert first.status_code == 201
    body = first.json()
    assert body["outcome"] == "checked_in" and body["display"]["level"] == "ok"
    assert body["registration"]["id"] == ticket.pk and body["registration"]["checked_in_at"]
    second = api_checkin(volunteer_client, event, ticket.ticket_code)
    assert second.status_code == 409 and second.json()["outcome"] == "already_checked_in"
    assert second.json()["display"]["level"] == "warn"
    assert api_checkin(volunteer_client, event, "EVT-NOPE").json()["outcome"] == "unknown_ticket"
    wrong = api_checkin(volunteer_client, event, elsewhere.ticket_code)
    assert wrong.status_code == 422 and wrong.json()["outcome"] == "wrong_event"
    not_confirmed = api_checkin(volunteer_client, event, waiting.ticket_code)
    assert not_confirmed.status_code == 422 and not_confirmed.json()["outcome"] == "not_confirmed"
    registrations.cancel_registration(elsewhere)
    cancelled = api_checkin(volunteer_client, other_event, elsewhere.ticket_code)
    assert cancelled.status_code == 422 and cancelled.json()["outcome"] == "cancelled_registration"
    assert CheckIn.objects.count() == 1


def test_checkin_replay_returns_the_same_answer(volunteer_client, sign_up):
    event = EventFactory()
    ticket = sign_up(event)
    request_id = str(uuid.uuid4())
    first = api_checkin(volunteer_client, event, ticket.ticket_code, request_id)
    replay = api_checkin(volunteer_client, event, ticket.ticket_code, request_id)
    assert first.status_code == 201 and replay.status_code == 200
    assert replay.json() == first.json()


def test_checkin_message_in_the_request_language(volunteer_client, sign_up):
    event = EventFactory()
    ticket = sign_up(event)
    english = api_checkin(volunteer_client, event, ticket.ticket_code, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["display"]["headline"] == "Checked in"
    greek = api_checkin(volunteer_client, event, ticket.ticket_code)
    assert greek.json()["display"]["headline"] == "Έχει ήδη μπει"


def test_checkin_api_roles_and_bad_input(client, volunteer_user, sign_up):
    event = EventFactory()
    ticket = sign_up(event)
    assert api_checkin(client, event, ticket.ticket_code).status_code == 401
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="norole"))
    assert api_checkin(client, event, ticket.ticket_code).status_code == 403
    client.force_login(volunteer_user)
    assert client.post("/api/v1/checkins", {"code": "x"}, content_type="application/json").status_code == 400
    assert client.post("/api/v1/checkins", {"code": "x", "event": event.pk, "request_id": "nope"},
                       content_type="application/json").status_code == 400
    missing = client.post("/api/v1/checkins", {"code": "x", "event": 999999, "request_id": str(uuid.uuid4())},
                          content_type="application/json")
    assert missing.status_code == 404


def test_public_events_api_and_staff_registrations_api(client, staff_user, volunteer_user, sign_up):
    event = EventFactory(title_el="Ομιλία νοσηλεύτριας")
    EventFactory(status=Event.Status.DRAFT, published_at=None)
    sign_up(event, "Ελένη")
    rows = client.get("/api/v1/events").json()
    assert [r["title_el"] for r in rows] == ["Ομιλία νοσηλεύτριας"]
    assert rows[0]["places_left"] == 9 and rows[0]["registration_open"] is True
    assert client.get(f"/api/v1/events/{event.pk}").status_code == 200
    assert client.get(f"/api/v1/events/{event.pk}/registrations").status_code == 401
    client.force_login(volunteer_user)
    assert client.get(f"/api/v1/events/{event.pk}/registrations").status_code == 403
    client.force_login(staff_user)
    regs = client.get(f"/api/v1/events/{event.pk}/registrations").json()
    assert [r["name"] for r in regs] == ["Ελένη"]
    document = client.get("/api/v1/openapi.json").json()
    for path in ["/api/v1/events", "/api/v1/events/{event_id}", "/api/v1/events/{event_id}/registrations",
                 "/api/v1/checkins"]:
        assert path in document["paths"], path


def test_registrations_filter_by_checked_in(staff_client, staff_user, sign_up):
    event = EventFactory()
    inside = sign_up(event, "Μέσα")
    sign_up(event, "Έξω")
    door.set_checked_in(inside, True, by=staff_user)
    url = reverse("events:registrations", args=[event.pk])
    html = staff_client.get(url, {"checked_in": "true"}).content.decode()
    assert "Μέσα" in html and "Έξω" not in html
    html = staff_client.get(url, {"checked_in": "false"}).content.decode()
    assert "Έξω" in html and ">Μέσα<" not in html


def test_a_decline_reason_too_long_comes_back_and_nothing_is_declined(staff_client, sign_up):
    event = EventFactory(requires_approval=True, capacity=3)
    pending = sign_up(event, "Online")
    reason = "Δεν υπάρχουν θέσεις για παιδιά αυτής της ηλικίας. " * 12  # over 500 characters
    response = staff_client.post(reverse("events:registration_action", args=[pending.pk, "decline"]),
                                 {"reason": reason})
    assert response.status_code == 200 and reason.strip() in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending", "not declined with the typed reason dropped"
    response = staff_client.post(reverse("events:registration_action", args=[pending.pk, "household"]),
                                 {"household_ref": "9" * 60})
    assert response.status_code == 200 and "9" * 60 in response.content.decode()
