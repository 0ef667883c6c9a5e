"""The door when the network drops: GET /api/v1/events/{id}/door-manifest (keyed hashes of the tickets,
what the door shows, deltas, only for those who check in) and POST /api/v1/checkins/batch (a ticket
counts once; a second admission made offline is recorded and flagged for the organiser, never lost;
a replayed batch records nothing new)."""

import gzip
import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core import offline
from core.models import AuditLog
from core.services import create_api_token, revoke_api_token
from events.models import CheckIn, Event, OfflineCheckIn, Registration, ScanRequest
from events.selectors import offline_checkins
from events.services import door, registrations
from events.services.door_offline import door_key, door_manifest, record_offline_checkin, ticket_hash
from events.services.registrations import RegistrationRequest
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BATCH = "/api/v1/checkins/batch"


def manifest_url(event, since=None):
    return f"/api/v1/events/{event.pk}/door-manifest" + (f"?since={since}" if since is not None else "")


def soon(**kwargs):
    return EventFactory(starts_at=timezone.now() + timedelta(hours=1), **kwargs)


def ticket(event, name="Ζωή Παππά", places=1, n=[0]):  # noqa: B006 - a counter for unique e-mails
    n[0] += 1
    return registrations.register(event, RegistrationRequest(name=name, places=places, email=f"p{n[0]}@example.org",
                                                             consent=True))


def entries(manifest):
    return {entry["i"]: entry for entry in manifest["entries"]}


def item(event, code, *, made_at=None, answered="checked_in", door_name="Είσοδος Α", request_id=None):
    return {"code": code, "event": event.pk, "request_id": str(request_id or uuid.uuid4()),
            "made_at": (made_at or timezone.now() - timedelta(minutes=2)).isoformat(), "offline": True,
            "answered": answered, "door": door_name}


def send(client, checkins, **headers):
    return client.post(BATCH, data=json.dumps({"checkins": checkins}), content_type="application/json", **headers)


def test_manifest_shape_keyed_hash_and_only_what_the_door_shows(volunteer_client, staff_user):
    from events.api import DoorManifestOut

    event = soon()
    confirmed = ticket(event, "Ζωή Παππά", places=3)
    cancelled = ticket(event, "Νίκος Λ.")
    registrations.cancel_registration(cancelled, by=staff_user)
    response = volunteer_client.get(manifest_url(event))
    assert response.status_code == 200, response.content
    body = response.json()
    DoorManifestOut.model_validate(body)
    found = entries(body)
    assert found[confirmed.pk] == {"i": confirmed.pk, "k": ticket_hash(door_key(event), confirmed.ticket_code),
                                   "n": "Ζωή Παππά", "p": 3, "s": "confirmed"}
    assert found[cancelled.pk]["r"] == "cancelled_registration" and found[cancelled.pk]["m"]
    text = response.content.decode()
    assert confirmed.ticket_code not in text and confirmed.email not in text and offline.sha256_hex(
        confirmed.ticket_code) not in text
    assert body["full"] is True and body["removed"] == []
    assert AuditLog.objects.filter(action="export", object_id=str(event.pk)).exists()
    zipped = volunteer_client.get(manifest_url(event), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(zipped.content))["event"] == event.pk


def test_manifest_decides_as_the_door(volunteer_user):
    """For each kind of ticket, the manifest's refusal is what the online check-in then answers."""
    event = soon()
    kinds = {"ok": ticket(event), "checked": ticket(event), "waiting": ticket(event)}
    Registration.objects.filter(pk=kinds["waiting"].pk).update(status=Registration.Status.WAITING)
    door.check_in_ticket(event, kinds["checked"].ticket_code, request_id=uuid.uuid4(), by=volunteer_user)
    found = entries(door_manifest(event_id=event.pk, by=volunteer_user))
    assert found[kinds["checked"].pk]["x"]["at"]
    for name, registration in kinds.items():
        entry = found[registration.pk]
        answer = door.check_in_ticket(event, registration.ticket_code, request_id=uuid.uuid4(), by=volunteer_user)
        assert entry.get("r", "checked_in") == answer.outcome, name
        if "m" in entry:
            assert entry["m"] == answer.body["message"], name


def test_keys_change_per_event_and_deltas(volunteer_user):
    first, second = soon(), soon()
    one = ticket(first)
    assert door_key(first) != door_key(second)
    start = door_manifest(event_id=first.pk, by=volunteer_user)
    Registration.objects.update(updated_at=timezone.now() - timedelta(minutes=10))
    Event.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    later = door_manifest(event_id=first.pk, by=volunteer_user)
    assert door_manifest(event_id=first.pk, since=later["version"], by=volunteer_user)["entries"] == []
    other = ticket(first)
    record_offline_checkin(event_id=first.pk, code=one.ticket_code, request_id=uuid.uuid4(), by=volunteer_user,
                           made_at=timezone.now() - timedelta(minutes=30), door_name="Πίσω πόρτα")
    delta = door_manifest(event_id=first.pk, since=later["version"], by=volunteer_user)
    assert delta["full"] is False and set(entries(delta)) == {one.pk, other.pk}
    assert entries(delta)[one.pk]["x"]["door"] == "Πίσω πόρτα" and entries(delta)[one.pk]["r"] == "already_checked_in"
    # Undoing a check-in on the list is a change as well.
    door.set_checked_in(Registration.objects.get(pk=one.pk), False, by=volunteer_user)
    Registration.objects.filter(pk=other.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    again = door_manifest(event_id=first.pk, since=later["version"], by=volunteer_user)
    assert "r" not in entries(again)[one.pk]
    assert start["key"] == later["key"]
    assert door_manifest(event_id=first.pk, since=2**52, by=volunteer_user)["full"] is True


def test_access_bad_input_and_revoked_device(volunteer_client, staff_user):
    event = soon()
    draft = EventFactory(status=Event.Status.DRAFT)
    assert Client().get(manifest_url(event)).status_code in (401, 403)
    assert volunteer_client.get(manifest_url(draft)).status_code == 404
    assert volunteer_client.get("/api/v1/events/999999/door-manifest").status_code == 404
    assert volunteer_client.get(manifest_url(event, "abc")).status_code == 400
    assert send(volunteer_client, []).status_code == 400
    too_many = [item(event, "EVT-X") for _ in range(501)]
    assert send(volunteer_client, too_many).status_code == 400
    user = UserFactory(username="door-tablet", role="volunteer")
    row, token = create_api_token(user, "Door tablet")
    device = Client()
    one = ticket(event)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert device.get(manifest_url(event), **auth).status_code == 200
    assert send(device, [item(event, one.ticket_code)], **auth).status_code == 200
    revoke_api_token(row, by=staff_user)
    assert device.get(manifest_url(event), **auth).status_code == 401
    assert send(device, [item(event, ticket(event).ticket_code)], **auth).status_code == 401
    assert CheckIn.objects.count() == 1


def test_batch_counts_a_ticket_once_and_flags_the_double(volunteer_client, volunteer_user):
    event = soon()
    one, two, waiting = ticket(event, "Ζωή"), ticket(event, "Άννα"), ticket(event, "Μαρκος")
    Registration.objects.filter(pk=waiting.pk).update(status=Registration.Status.WAITING)
    front = UserFactory(username="front", first_name="Ελένη", last_name="Π.", role="volunteer")
    door.check_in_ticket(event, one.ticket_code, request_id=uuid.uuid4(), by=front)  # online at another door
    made = timezone.now() - timedelta(minutes=3)
    batch = [item(event, one.ticket_code, made_at=made), item(event, two.ticket_code.lower(), made_at=made),
             item(event, two.ticket_code, answered="already_checked_in"), item(event, waiting.ticket_code),
             item(event, "EVT-NOSUCHTICKET", answered="unknown_ticket")]
    response = send(volunteer_client, batch)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["request_id"] for r in results] == [b["request_id"] for b in batch]
    assert [r["answer"]["outcome"] for r in results] == [
        "offline_checkin", "checked_in", "already_checked_in", "offline_checkin", "unknown_ticket"]
    assert [r["status"] for r in results] == [201, 201, 409, 201, 422]
    assert CheckIn.objects.count() == 2  # one per ticket
    two_in = CheckIn.objects.get(registration=two)
    assert two_in.at == made and two_in.door == "Είσοδος Α" and two_in.method == "offline"
    rows = offline_checkins(event)
    assert [(row["name"], row["reason"]) for row in rows] == [("Ζωή", "already_checked_in"),
                                                              ("Μαρκος", "not_confirmed")]
    double = rows[0]
    assert double["standing"]["by"] == "Ελένη Π." and double["offline"]["door"] == "Είσοδος Α"
    assert double["offline"]["at"] == made and double["standing"]["at"] != made
    # The whole batch again: the stored answers, nothing new.
    counts = (ScanRequest.objects.count(), CheckIn.objects.count(), OfflineCheckIn.objects.count())
    replay = send(volunteer_client, batch).json()["results"]
    assert [r["status"] for r in replay] == [200] * 5
    assert [r["answer"] for r in replay] == [r["answer"] for r in results]
    assert (ScanRequest.objects.count(), CheckIn.objects.count(), OfflineCheckIn.objects.count()) == counts


def test_the_organiser_sees_the_double_on_the_door_and_event_pages(client, staff_user, volunteer_user):
    event = soon()
    one = ticket(event, "Ζωή Παππά")
    door.check_in_ticket(event, one.ticket_code, request_id=uuid.uuid4(), by=staff_user)
    record_offline_checkin(event_id=event.pk, code=one.ticket_code, request_id=uuid.uuid4(), by=volunteer_user,
                           made_at=timezone.now() - timedelta(minutes=1), door_name="Πίσω πόρτα")
    client.force_login(staff_user)
    for url in (f"/events/door/{event.pk}/", f"/events/staff/{event.pk}/"):
        page = client.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert 'data-testid="offline-checkins"' in text and "Πίσω πόρτα" in text, url


def test_a_stored_refusal_and_a_green_offline_scan_under_one_request_id(volunteer_user):
    """The server answered a refusal the door never heard (the ticket was still waiting); the door let
    the person in offline under the same request id: the admission is recorded, not lost, once."""
    event = soon()
    waiting = ticket(event)
    Registration.objects.filter(pk=waiting.pk).update(status=Registration.Status.WAITING)
    request_id = uuid.uuid4()
    first = door.check_in_ticket(event, waiting.ticket_code, request_id=request_id, by=volunteer_user)
    assert first.outcome == "not_confirmed"
    synced = record_offline_checkin(event_id=event.pk, code=waiting.ticket_code, request_id=request_id,
                                    by=volunteer_user, made_at=timezone.now())
    assert synced.outcome == "offline_checkin"
    assert OfflineCheckIn.objects.get().reason == "not_confirmed"
    again = record_offline_checkin(event_id=event.pk, code=waiting.ticket_code, request_id=request_id,
                                   by=volunteer_user, made_at=timezone.now())
    assert again.status == 200 and again.outcome == "offline_checkin" and OfflineCheckIn.objects.count() == 1
    assert ScanRequest.objects.count() == 1


def test_made_at_out_of_range_is_refused_with_a_message(volunteer_client):
    event = soon()
    one = ticket(event)
    results = send(volunteer_client, [item(event, one.ticket_code, made_at=timezone.now() - timedelta(days=30)),
                                      item(event, one.ticket_code, made_at=timezone.now() + timedelta(hours=2))]
                   ).json()["results"]
    assert [r["status"] for r in results] == [422, 422]
    assert {r["answer"]["code"] for r in results} == {"made_at_out_of_range"}
    assert not CheckIn.objects.exists()


def test_a_token_revoked_by_another_process_stops_the_door_at_once(staff_user):
    """Another server process revoked the token: this one still holds it in its few-second cache, yet the
    manifest and the sync refuse it at the next call."""
    from core.models import ApiToken

    event = soon()
    user = UserFactory(username="door-tablet-2", role="volunteer")
    row, token = create_api_token(user, "Door tablet 2")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    device = Client()
    assert device.get(manifest_url(event), **auth).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())  # no signal: the cache still holds it
    assert device.get(manifest_url(event), **auth).status_code == 401
    assert send(device, [item(event, ticket(event).ticket_code)], **auth).status_code == 401


def test_an_online_check_in_may_name_its_door(volunteer_client, volunteer_user):
    event = soon()
    one = ticket(event)
    response = volunteer_client.post("/api/v1/checkins", data=json.dumps(
        {"code": one.ticket_code, "event": event.pk, "request_id": str(uuid.uuid4()), "door": "Κεντρική είσοδος"}),
        content_type="application/json")
    assert response.status_code == 201, response.content
    entry = entries(door_manifest(event_id=event.pk, by=volunteer_user))[one.pk]
    assert entry["r"] == "already_checked_in" and entry["x"]["door"] == "Κεντρική είσοδος"
    assert "Κεντρική είσοδος" in entry["m"]


def test_the_service_worker_keeps_a_door_frame_that_names_nobody(db):
    event = soon()
    ticket(event, name="Ζωή Παππά")
    volunteer = UserFactory(username="door-frame", role="volunteer", first_name="Πέτρος")
    client = Client()
    client.force_login(volunteer)
    url = f"/events/door/{event.pk}/"
    whole = client.get(url)
    assert "Ζωή Παππά" in whole.content.decode() and "X-Offline-Page" not in whole
    frame = client.get(url, headers={"X-Offline-Frame": "1"})
    text = frame.content.decode()
    assert frame["X-Offline-Page"] == "1"
    assert "Ζωή Παππά" not in text and "Πέτρος" not in text and "door-frame" not in text
    assert f"/events/door/{event.pk}/list/" in text  # the list comes after the frame
