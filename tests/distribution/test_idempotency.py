"""Request ids of the scan and the ticket check-in (core/idempotency.py): same body → the first answer;
another body → 422 and nothing recorded; another user's id → a request of its own; an expired id →
forgotten (by the lookup, and in bulk by `manage.py purge_request_ids`)."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core.services import create_api_token
from distribution.models import Collection, Scan
from events.models import CheckIn, ScanRequest
from events.services.registrations import RegistrationRequest, register
from tests.distribution.days_helpers import collector, day_with_basket, household
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign_up(settings):
    settings.SMS_BACKEND = "locmem"
    emails = iter(range(1000))
    return lambda event: register(event, RegistrationRequest(name="Ελένη Σαλή", places=1, consent=True,
                                                             email=f"person{next(emails)}@example.org", phone=""))


def device(name):
    user = UserFactory(username=name, role="volunteer")
    return user, Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user, name)[1]}")


def scan(client, day, code, request_id, **extra):
    body = {"code": code, "day": day.pk, "station": "Τραπέζι 1", "request_id": request_id, **extra}
    return client.post("/api/v1/scans", data=json.dumps(body), content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="el")


def test_same_id_same_body_gets_the_first_answer_and_records_nothing():
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    _user, table = device("table-1")
    request_id = str(uuid.uuid4())
    first = scan(table, day, code, request_id)
    again = scan(table, day, code, request_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Collection.objects.count() == 1 and Scan.objects.count() == 1


@pytest.mark.parametrize("change", ["code", "day", "station", "collector"])
def test_same_id_with_another_body_is_refused_and_records_nothing(change):
    day, items = day_with_basket()
    other_day, _ = day_with_basket(on=day.date + timedelta(days=7), prog=day.programme, location=day.location)
    hh_a, _card_a, code_a = household(day.programme, first_name="Μαρία")
    _hh_b, _card_b, code_b = household(day.programme, first_name="Ελένη")
    _user, table = device("table-1")
    request_id = str(uuid.uuid4())
    first = scan(table, day, code_a, request_id)
    assert first.status_code == 201
    collections, scans = Collection.objects.count(), Scan.objects.count()
    other = {"code": {"code": code_b}, "day": {"day": other_day.pk}, "station": {"station": "Τραπέζι 9"},
             "collector": {"collector": collector(hh_a).pk}}[change]
    body = {"code": code_a, "day": day.pk, "station": "Τραπέζι 1", "request_id": request_id, **other}
    answer = table.post("/api/v1/scans", data=json.dumps(body), content_type="application/json",
                        HTTP_ACCEPT_LANGUAGE="el")
    assert answer.status_code == 422, answer.content
    problem = answer.json()
    assert problem["code"] == problem["outcome"] == "request_id_reused"
    assert answer["Content-Type"] == "application/problem+json"
    assert "αναγνωριστικό" in problem["message"]  # Greek, the request's language
    # Never the first answer's household (the bug this guards against), and nothing recorded.
    assert problem["household"] is None and "Μαρία" not in json.dumps(problem, ensure_ascii=False)
    assert (Collection.objects.count(), Scan.objects.count()) == (collections, scans)
    english = table.post("/api/v1/scans", data=json.dumps(body), content_type="application/json",
                         HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422 and "request id" in english.json()["message"]


def test_another_users_request_id_is_not_a_replay():
    day, _items = day_with_basket()
    _hh_a, _card_a, code_a = household(day.programme, first_name="Μαρία")
    _hh_b, _card_b, code_b = household(day.programme, first_name="Ελένη")
    user_1, table_1 = device("table-1")
    user_2, table_2 = device("table-2")
    request_id = str(uuid.uuid4())
    assert scan(table_1, day, code_a, request_id).status_code == 201
    second = scan(table_2, day, code_b, request_id)
    assert second.status_code == 201 and second.json()["household"]["first_name"] == "Ελένη"
    # The same card under the other user's id: a scan of its own ("already collected"), recorded.
    third = scan(table_2, day, code_a, str(uuid.uuid4()))
    assert third.status_code == 409
    assert Scan.objects.filter(request_id=request_id).count() == 2
    assert {s.by for s in Scan.objects.filter(request_id=request_id)} == {user_1, user_2}


def test_an_expired_request_id_is_forgotten(settings):
    settings.API_REQUEST_ID_RETENTION_HOURS = 72
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    _hh_b, _card_b, code_b = household(day.programme)
    _user, table = device("table-1")
    request_id = str(uuid.uuid4())
    assert scan(table, day, code, request_id).status_code == 201
    Scan.objects.update(at=timezone.now() - timedelta(hours=73))
    # Past the window the id is new: another card with it is scanned, not refused as a reuse.
    answer = scan(table, day, code_b, request_id)
    assert answer.status_code == 201
    assert Scan.objects.filter(request_id=request_id).count() == 1
    assert Scan.objects.filter(request_id__isnull=True, answer={}).count() == 1  # the old one kept, without id


def test_purge_request_ids_forgets_old_ids_and_keeps_the_scans(settings, sign_up):
    settings.API_REQUEST_ID_RETENTION_HOURS = 24
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    user, table = device("table-1")
    old_id, new_id = str(uuid.uuid4()), str(uuid.uuid4())
    scan(table, day, code, old_id)
    scan(table, day, code, new_id)
    Scan.objects.filter(request_id=old_id).update(at=timezone.now() - timedelta(hours=25))
    event = EventFactory()
    ticket = sign_up(event)
    door = Client(HTTP_AUTHORIZATION=table.defaults["HTTP_AUTHORIZATION"])
    door.post("/api/v1/checkins", {"code": ticket.ticket_code, "event": event.pk, "request_id": old_id},
              content_type="application/json")
    ScanRequest.objects.update(at=timezone.now() - timedelta(hours=25))
    call_command("purge_request_ids")
    assert Scan.objects.count() == 2 and list(Scan.objects.filter(request_id__isnull=False)
                                              .values_list("request_id", flat=True)) == [new_id]
    assert Scan.objects.get(request_id__isnull=True).answer == {}
    assert ScanRequest.objects.count() == 0 and CheckIn.objects.count() == 1
    # The forgotten id is a new request: the ticket is already in, said as such (409), not replayed (200).
    again = door.post("/api/v1/checkins", {"code": ticket.ticket_code, "event": event.pk, "request_id": old_id},
                      content_type="application/json")
    assert again.status_code == 409


def test_checkin_request_ids_follow_the_same_rules(sign_up):
    event = EventFactory()
    other_event = EventFactory()
    ticket, other_ticket = sign_up(event), sign_up(event)
    _user_1, door_1 = device("door-1")
    _user_2, door_2 = device("door-2")
    request_id = str(uuid.uuid4())

    def check_in(client, code, on=event):
        return client.post("/api/v1/checkins", {"code": code, "event": on.pk, "request_id": request_id},
                           content_type="application/json")

    first = check_in(door_1, ticket.ticket_code)
    assert first.status_code == 201
    replay = check_in(door_1, ticket.ticket_code)
    assert replay.status_code == 200 and replay.json() == first.json()
    for reused in (check_in(door_1, other_ticket.ticket_code), check_in(door_1, ticket.ticket_code, other_event)):
        assert reused.status_code == 422 and reused.json()["code"] == "request_id_reused"
        assert reused.json()["registration"] is None
    assert CheckIn.objects.count() == 1
    # Another door's same id is its own request.
    assert check_in(door_2, other_ticket.ticket_code).status_code == 201
    assert CheckIn.objects.count() == 2 and ScanRequest.objects.count() == 2
