"""POST /api/v1/scans/batch: scans a station decided offline, recorded once, in order; a hand-out the
server would have refused (two tables offline, one household) is an offline hand-out, its goods out
of stock, listed for the coordinator; "one collection per household per day" stays whole."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core import idempotency
from core.services import create_api_token, revoke_api_token
from distribution.models import Card, Collection, OfflineHandout, Scan
from distribution.selectors.offline import offline_conflicts
from distribution.services.cards import revoke_card
from distribution.services.offline import record_offline_scan
from distribution.services.scans import record_scan
from inventory.models import StockMovement
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import d, day_with_basket, household
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/scans/batch"


def item(day, code, *, station="Τραπέζι 2", made_at=None, answered="collected", request_id=None):
    made_at = made_at or timezone.now() - timedelta(minutes=5)
    return {"code": code, "day": day.pk, "station": station, "request_id": request_id or str(uuid.uuid4()),
            "made_at": made_at.isoformat(), "offline": True, "answered": answered}


def send(client, scans, **headers):
    return client.post(URL, data=json.dumps({"scans": scans}), content_type="application/json", **headers)


def test_batch_records_once_and_flags_the_double(volunteer_client, volunteer_user):
    day, items = day_with_basket()
    _a, card_a, code_a = household(day.programme, size=2)
    _b, _card_b, code_b = household(day.programme, size=2)
    online = UserFactory(username="table1", first_name="Ελένη", last_name="Π.", role="volunteer")
    record_scan(day_id=day.pk, code=code_a, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=online)
    made = timezone.now() - timedelta(minutes=3)
    batch = [item(day, code_a, made_at=made), item(day, code_b, made_at=made + timedelta(seconds=20)),
             item(day, code_b, answered="already_collected")]  # the station refused its own repeat
    response = send(volunteer_client, batch)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 201, 409]
    assert [r["answer"]["outcome"] for r in results] == ["offline_handout", "collected", "already_collected"]
    assert Collection.objects.count() == 2  # one per household
    b_collection = Collection.objects.get(household=_b)
    assert b_collection.at == made + timedelta(seconds=20) and b_collection.station == "Τραπέζι 2"
    handout = OfflineHandout.objects.get()
    assert handout.household_id == card_a.household_id and handout.reason == "already_collected"
    assert handout.collection.station == "Τραπέζι 1" and handout.stock_taken
    # Three baskets of a household of 2 left the hall: rice 2 each, soap 2 each.
    level = available_by_item(day.location, [items["rice"], items["soap"]])
    assert level == {items["rice"].pk: d(94), items["soap"].pk: d(94)}
    assert StockMovement.objects.filter(document_type="distribution.offline_handout",
                                        document_id=str(handout.pk)).exists()
    call_command("check_stock")
    [conflict] = offline_conflicts(day)
    assert conflict["card_number"] == card_a.display_number
    assert conflict["offline"]["station"] == "Τραπέζι 2" and conflict["offline"]["by"] == volunteer_user.get_full_name()
    assert conflict["standing"]["station"] == "Τραπέζι 1" and conflict["standing"]["by"] == "Ελένη Π."
    assert conflict["offline"]["at"] == made
    # The coordinator sees it on the day's live view, with both tables and both volunteers.
    from django.urls import reverse

    staff = Client()
    staff.force_login(UserFactory(username="coord", role="coordinator"))
    panel = staff.get(reverse("distribution:day_live_panel", args=[day.pk]), HTTP_ACCEPT_LANGUAGE="el")
    text = panel.content.decode()
    assert panel.status_code == 200 and 'data-testid="offline-conflicts"' in text
    assert card_a.display_number in text and "Ελένη Π." in text and volunteer_user.get_full_name() in text
    assert "Τραπέζι 1" in text and "Τραπέζι 2" in text
    # The same batch again records nothing new and answers as the first time.
    scans = Scan.objects.count()
    again = send(volunteer_client, batch).json()["results"]
    assert [r["status"] for r in again] == [200, 200, 200]
    assert [r["answer"] for r in again] == [r["answer"] for r in results]
    assert (Scan.objects.count(), Collection.objects.count(), OfflineHandout.objects.count()) == (scans, 2, 1)
    assert available_by_item(day.location, [items["rice"]])[items["rice"].pk] == d(94)


def test_a_request_answered_online_gets_its_answer(volunteer_user):
    """The station sent the scan, gave up waiting, answered from its manifest and queued the same request."""
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    request_id = str(uuid.uuid4())
    first = record_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=request_id, by=volunteer_user)
    queued = record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=request_id,
                                 by=volunteer_user, made_at=timezone.now())
    assert queued.replay and queued.status == 200 and queued.body == first.body
    assert Collection.objects.count() == 1 and not OfflineHandout.objects.exists()


def test_made_at_is_bounded_and_nothing_is_recorded(volunteer_client):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    future = item(day, code, made_at=timezone.now() + timedelta(hours=1))
    before = item(day, code, made_at=timezone.now() - timedelta(days=2))
    results = send(volunteer_client, [future, before]).json()["results"]
    assert [r["status"] for r in results] == [422, 422]
    assert {r["answer"]["code"] for r in results} == {"made_at_out_of_range"}
    assert results[0]["answer"]["message"]
    assert not Scan.objects.exists() and not Collection.objects.exists()
    # The corrected scan, with a new time, is recorded (nothing was kept under its request id).
    fixed = {**future, "made_at": timezone.now().isoformat()}
    assert send(volunteer_client, [fixed]).json()["results"][0]["status"] == 201


def test_green_offline_on_a_card_revoked_since_is_flagged(volunteer_user, staff_user):
    day, items = day_with_basket()
    _hh, card, code = household(day.programme, size=1)
    revoke_card(card, reason=Card.RevokeReason.STOLEN, by=staff_user)
    answer = record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                                 by=volunteer_user, made_at=timezone.now())
    assert answer.outcome == "offline_handout"
    handout = OfflineHandout.objects.get()
    assert handout.reason == "revoked_card" and handout.collection is None
    assert not Collection.objects.exists()
    assert available_by_item(day.location, [items["soap"]])[items["soap"].pk] == d(99)


def test_red_offline_records_no_collection(volunteer_user):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    answer = record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                                 by=volunteer_user, made_at=timezone.now(), answered="revoked_card")
    assert answer.status == 422 and answer.outcome == "revoked_card"
    assert not Collection.objects.exists() and Scan.objects.get().outcome == "revoked_card"


def test_access(volunteer_client, staff_user):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    assert send(Client(), [item(day, code)]).status_code in (401, 403)
    assert send(volunteer_client, []).status_code == 400
    user = UserFactory(username="tablet", role="volunteer")
    row, token = create_api_token(user, "Tablet 1")
    device = Client()
    assert send(device, [item(day, code)], HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    revoke_api_token(row, by=staff_user)
    assert send(device, [item(day, code)], HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert Collection.objects.count() == 1


def test_a_stored_online_refusal_and_a_green_offline_scan_under_one_request_id(volunteer_user):
    """Table 2 asked the server (request R), which refused (table 1 had just served the household), but
    the answer never came back; table 2 decided from its older manifest and handed the basket over, and
    queued R. The hand-out is recorded once (not lost behind the stored refusal), its goods out of stock."""
    day, items = day_with_basket()
    hh, _card, code = household(day.programme, size=2)
    record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer_user)
    table2 = UserFactory(username="table2", role="volunteer")
    request_id = str(uuid.uuid4())
    online = record_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=request_id, by=table2)
    assert online.outcome == "already_collected"
    made = timezone.now() - timedelta(seconds=30)
    synced = record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=request_id, by=table2,
                                 made_at=made)
    assert synced.outcome == "offline_handout" and synced.status == 201
    handout = OfflineHandout.objects.get()
    assert handout.household_id == hh.pk and handout.scan.request_id == request_id and handout.at == made
    assert Scan.objects.filter(by=table2).count() == 1 and Collection.objects.count() == 1
    again = record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=request_id, by=table2,
                                made_at=made)
    assert again.replay and again.outcome == "offline_handout" and OfflineHandout.objects.count() == 1
    level = available_by_item(day.location, [items["rice"]])[items["rice"].pk]
    assert level == d(100 - 2 * 2)
    call_command("check_stock")


def test_a_stored_out_of_stock_refusal_then_green_offline_becomes_the_collection(volunteer_user):
    """The refusal no longer holds when the queued scan arrives: the stored scan becomes the collection."""
    day, _items = day_with_basket()
    hh, card, code = household(day.programme, size=2)
    request_id = str(uuid.uuid4())
    fingerprint = idempotency.fingerprint(day.pk, code, "Τραπέζι 2", None, False)
    Scan.objects.create(request_id=request_id, request_fingerprint=fingerprint, day=day, station="Τραπέζι 2",
                        at=timezone.now(), by=volunteer_user, outcome="out_of_stock", card=card, http_status=422,
                        answer={"outcome": "out_of_stock"})
    synced = record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 2", request_id=request_id,
                                 by=volunteer_user, made_at=timezone.now() - timedelta(seconds=5))
    assert synced.outcome == "collected" and Collection.objects.get().household_id == hh.pk
    assert Scan.objects.get().collection_id == Collection.objects.get().pk
    assert not OfflineHandout.objects.exists()
