"""Every answer at a table says what to do in one word, first ("Δώστε" / "Μην δώσετε"), so that nobody
has to read a colour or an icon (the door's words: tests/events/test_door_list.py)."""

import json
import uuid

import pytest

from tests.distribution.days_helpers import day_with_basket, household

pytestmark = pytest.mark.django_db


def scan(client, day, code, language="el", **extra):
    body = {"code": code, "day": day.pk, "station": "Τραπέζι 1", "request_id": str(uuid.uuid4()), **extra}
    return client.post("/api/v1/scans", data=json.dumps(body), content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE=language).json()["display"]


def test_a_hand_over_says_give_and_a_refusal_says_do_not_give(volunteer_client):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme)
    _hh2, _card2, english_code = household(day.programme)
    given = scan(volunteer_client, day, code)
    assert given["level"] == "ok" and given["action"] == "Δώστε"
    assert scan(volunteer_client, day, english_code, language="en")["action"] == "Give"
    again = scan(volunteer_client, day, code)
    assert again["level"] == "bad" and again["action"] == "Μην δώσετε"
    assert scan(volunteer_client, day, "KC1-ZZZZZZZZZZZZZZZZ", language="en")["action"] == "Do not give"

