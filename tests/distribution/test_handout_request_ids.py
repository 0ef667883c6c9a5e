"""A hand-out recorded over the API once per request id: a retry after a lost answer gets the first
answer (200) and takes nothing out of stock again; the same id with another body is refused (422
`request_id_reused`); without an id every request records; on PostgreSQL the same request sent twice at
once records one hand-out."""

import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from distribution.models import Handout
from distribution.models.handouts import HANDOUT_DOCUMENT
from distribution.services.handouts import purge_request_ids
from inventory.models import StockMovement
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import d, day_with_basket, household, programme
from tests.distribution.test_handout_api import bearer
from tests.factories import UserFactory

URL = "/api/v1/handouts"


def _post(client, auth, body):
    return client.post(URL, body, content_type="application/json", **auth)


@pytest.fixture
def desk():
    prog = programme(max_collections_per_month=1)
    day, items = day_with_basket(prog=prog)
    return prog, day, items


@pytest.mark.django_db
@pytest.mark.parametrize("anonymous", [False, True])
def test_a_retried_hand_out_is_recorded_once(client, staff_user, desk, anonymous):
    prog, day, items = desk
    auth = bearer(staff_user)
    body = {"kind": "walk_in", "location_id": day.location.pk, "request_id": str(uuid.uuid4()),
            "lines": [{"item_id": items["rice"].pk, "quantity": "2"}]}
    if anonymous:
        body.update(people=2, reason="Διερχόμενη οικογένεια")
    else:
        hh, _card, _code = household(prog)
        body.update(household_id=hh.pk, programme_id=prog.pk)
    first = _post(client, auth, body)
    assert first.status_code == 201, first.content
    again = _post(client, auth, body)
    assert again.status_code == 200 and again.json() == first.json()
    assert Handout.objects.count() == 1
    assert StockMovement.objects.filter(document_type=HANDOUT_DOCUMENT).count() == 1
    assert available_by_item(day.location, [items["rice"]]) == {items["rice"].pk: d(98)}


@pytest.mark.django_db
def test_the_same_request_id_with_another_body_is_refused(client, staff_user, desk):
    _prog, day, items = desk
    auth = bearer(staff_user)
    body = {"kind": "walk_in", "location_id": day.location.pk, "request_id": str(uuid.uuid4()), "people": 1,
            "reason": "έξωση", "lines": [{"item_id": items["rice"].pk, "quantity": "1"}]}
    assert _post(client, auth, body).status_code == 201
    reused = _post(client, auth, {**body, "lines": [{"item_id": items["rice"].pk, "quantity": "3"}]})
    assert reused.status_code == 422 and reused.json()["code"] == "request_id_reused"
    assert "request id" in reused.json()["message"] or "αναγνωριστικό" in reused.json()["message"]
    assert Handout.objects.count() == 1
    assert available_by_item(day.location, [items["rice"]]) == {items["rice"].pk: d(99)}
    # Another user's request with the same id is a request of its own.
    other = UserFactory(username="desk2", role="staff")
    assert _post(client, bearer(other), body).status_code == 201
    assert Handout.objects.count() == 2


@pytest.mark.django_db
def test_a_refusal_keeps_nothing_and_without_an_id_each_request_records(client, staff_user, desk):
    prog, day, items = desk
    auth = bearer(staff_user)
    hh, _card, _code = household(prog)
    body = {"kind": "walk_in", "location_id": day.location.pk, "household_id": hh.pk, "programme_id": prog.pk,
            "request_id": str(uuid.uuid4()), "lines": [{"item_id": items["rice"].pk, "quantity": "1000"}]}
    short = _post(client, auth, body)
    assert short.status_code == 409 and short.json()["code"] == "insufficient_stock"
    body["lines"] = [{"item_id": items["rice"].pk, "quantity": "1"}]
    assert _post(client, auth, body).status_code == 201  # the same id, corrected: recorded
    anonymous = {"kind": "walk_in", "location_id": day.location.pk, "people": 1, "reason": "έξωση",
                 "lines": [{"item_id": items["rice"].pk, "quantity": "1"}]}
    assert [_post(client, auth, anonymous).status_code for _ in range(2)] == [201, 201]
    assert Handout.objects.count() == 3


@pytest.mark.django_db
def test_the_openapi_text_says_how_request_ids_work(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert "request_id_reused" in operation["description"] and "200" in operation["responses"]


@pytest.mark.django_db
def test_a_forgotten_request_id_keeps_the_hand_out(client, staff_user, desk):
    _prog, day, items = desk
    body = {"kind": "walk_in", "location_id": day.location.pk, "request_id": str(uuid.uuid4()), "people": 1,
            "reason": "έξωση", "lines": [{"item_id": items["rice"].pk, "quantity": "1"}]}
    assert _post(client, bearer(staff_user), body).status_code == 201
    assert purge_request_ids(timezone.now() + timezone.timedelta(seconds=1)) == 1
    handout = Handout.objects.get()
    assert handout.request_id is None and handout.answer == {} and handout.cancelled_at is None


PARALLEL = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("anonymous", [False, True])
def test_the_same_request_sent_at_once_records_one_hand_out(on_postgres, anonymous):
    prog = programme(max_collections_per_month=1)
    day, items = day_with_basket(prog=prog)
    user = UserFactory(username="desk", role="staff")
    auth = bearer(user)
    body = {"kind": "walk_in", "location_id": day.location.pk, "request_id": str(uuid.uuid4()),
            "lines": [{"item_id": items["rice"].pk, "quantity": "2"}]}
    if anonymous:
        body.update(people=2, reason="Διερχόμενη οικογένεια")
    else:
        hh, _card, _code = household(prog)
        body.update(household_id=hh.pk, programme_id=prog.pk)
    barrier = threading.Barrier(PARALLEL)
    answers, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            answer = _post(Client(), auth, body)
            answers.append((answer.status_code, answer.json()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(status for status, _body in answers) == [200] * (PARALLEL - 1) + [201], answers
    assert len({body["id"] for _status, body in answers}) == 1
    assert Handout.objects.count() == 1
    assert available_by_item(day.location, [items["rice"]]) == {items["rice"].pk: d(98)}
    call_command("check_stock")
