"""POST /api/v1/scans, GET /api/v1/days and /days/{id}: statuses, body shape, roles, tokens."""

import json
import uuid

import pytest

from core.services import create_api_token
from distribution.models import Collection, Scan
from tests.distribution.days_helpers import day_with_basket, household
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/scans"
KEYS = {"outcome", "message", "household", "basket", "collection", "display"}


def post(client, payload, **headers):
    return client.post(URL, data=json.dumps(payload), content_type="application/json", **headers)


def payload(day, code, **extra):
    return {"code": code, "day": day.pk, "station": "Τραπέζι 1", "request_id": str(uuid.uuid4()), **extra}


def test_statuses_and_body_shape(volunteer_client):
    day, _items = day_with_basket()
    _hh, card, code = household(day.programme, first_name="Μαρία")
    first = payload(day, code)
    response = post(volunteer_client, first)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == KEYS and body["outcome"] == "collected"
    assert body["household"]["first_name"] == "Μαρία" and body["household"]["card_number"] == card.display_number
    assert {"item", "quantity", "unit"} == set(body["basket"][0])
    assert set(body["collection"]) == {"id", "at", "station"}
    assert body["display"]["level"] == "ok"
    replay = post(volunteer_client, first)
    assert replay.status_code == 200 and replay.json() == body
    again = post(volunteer_client, payload(day, code, station="Τραπέζι 2"))
    assert again.status_code == 409 and again.json()["outcome"] == "already_collected"
    unknown = post(volunteer_client, payload(day, "KC1-ZZZZZZZZZZZZZZZZ"))
    assert unknown.status_code == 422 and unknown.json()["outcome"] == "unknown_card"
    assert unknown.json()["household"] is None and unknown.json()["collection"] is None
    # The endpoint renders the service's body without re-validating it: every kind of answer must
    # match the documented schema exactly (no missing, extra or mistyped fields).
    from distribution.api.days import ScanOut, ScanRefusalOut

    def utc_as_z(answer):  # pydantic writes UTC as "Z", the service "+00:00": both RFC 3339 with an offset
        return json.loads(json.dumps(answer).replace('+00:00"', 'Z"'))

    assert body["collection"]["at"].endswith("+00:00")
    assert ScanOut.model_validate(body).model_dump(mode="json") == utc_as_z(body)
    for answer in (again.json(), unknown.json()):
        # Refusals are problem details (RFC 9457) with the scan's members.
        assert ScanRefusalOut.model_validate(answer).model_dump(mode="json") == utc_as_z(answer)
        assert answer["code"] == answer["outcome"] and answer["type"] == "about:blank"
    assert again["Content-Type"] == unknown["Content-Type"] == "application/problem+json"


def test_messages_follow_the_request_language(volunteer_client):
    day, _items = day_with_basket()
    greek = post(volunteer_client, payload(day, "nope-nope"), HTTP_ACCEPT_LANGUAGE="el")
    english = post(volunteer_client, payload(day, "nope-nope"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Άγνωστη κάρτα" in greek.json()["message"]
    assert "Unknown card" in english.json()["message"]


@pytest.mark.parametrize("bad", [
    {"day": 1, "station": "T", "request_id": "12345678"},  # no code
    {"code": "x", "day": "one", "station": "T", "request_id": "12345678"},
    {"code": "x", "day": 1, "station": "T", "request_id": "short"},
    {"code": "", "day": 1, "station": "T", "request_id": "12345678"},
])
def test_malformed_requests_get_400(volunteer_client, bad):
    response = post(volunteer_client, bad)
    assert response.status_code == 400 and response.json()["message"]
    assert Scan.objects.count() == 0


def test_not_json_400_and_no_such_day_404(volunteer_client):
    response = volunteer_client.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_body"
    response = post(volunteer_client, {"code": "x", "day": 987654, "station": "T", "request_id": "12345678"})
    assert response.status_code == 404 and response.json()["code"] == "day_not_found"
    assert Scan.objects.count() == 0


def test_without_sign_in_401_and_without_role_403(client, db):
    day, _items = day_with_basket()
    assert post(client, payload(day, "x")).status_code == 401
    client.force_login(UserFactory(username="nobody"))  # signed in, no role
    response = post(client, payload(day, "x"))
    assert response.status_code == 403 and response.json()["message"]
    assert client.get("/api/v1/days").status_code == 403


def test_device_token_scans(db):
    from django.test import Client

    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    user = UserFactory(username="tablet", role="volunteer")
    _row, token = create_api_token(user, "Tablet 1")
    client = Client(enforce_csrf_checks=True)
    response = post(client, payload(day, code), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    assert Collection.objects.get().by == user
    # A wrong token is refused (core's auth: 401, or 403 when the session fallback's CSRF check answers first).
    assert post(client, payload(day, code), HTTP_AUTHORIZATION="Bearer wrong").status_code in (401, 403)
    assert Collection.objects.count() == 1


def test_session_scans_need_csrf(volunteer_user):
    from django.test import Client

    day, _items = day_with_basket()
    client = Client(enforce_csrf_checks=True)
    client.force_login(volunteer_user)
    assert post(client, payload(day, "x")).status_code == 403
    client.cookies["csrftoken"] = "a" * 32
    assert post(client, payload(day, "x"), HTTP_X_CSRFTOKEN="a" * 32).status_code == 422


def test_days_list_and_detail(volunteer_client):
    day, _items = day_with_basket()
    other, _ = day_with_basket(on=day.date.replace(year=day.date.year + 1))
    _hh, _card, code = household(day.programme, size=2)
    household(day.programme)
    post(volunteer_client, payload(day, code))
    listed = volunteer_client.get("/api/v1/days", {"date": day.date.isoformat()}).json()
    assert [d["id"] for d in listed] == [day.pk]
    listed = volunteer_client.get("/api/v1/days", {"location": other.location_id}).json()
    assert [d["id"] for d in listed] == [other.pk]
    detail = volunteer_client.get(f"/api/v1/days/{day.pk}").json()
    assert detail["progress"] == {"expected": 2, "collected": 1, "refused": 0, "remaining": 1, "people_served": 2,
                                  "offline_handouts": 0}
    assert detail["stations"] == ["Τραπέζι 1", "Τραπέζι 2"] and len(detail["basket"]) == 4
    assert volunteer_client.get("/api/v1/days/999999").status_code == 404


def test_the_scan_endpoint_is_in_the_openapi_document(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/scans" in schema["paths"]
    responses = schema["paths"]["/api/v1/scans"]["post"]["responses"]
    assert {"200", "201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "500", "503"} <= set(responses)
    assert "/api/v1/days/{day_id}" in schema["paths"]
