"""The hand-outs API: the desk's answer, recording (to a household, anonymous, overridden), refusals as
problem documents, the list, a delivery; volunteers refused."""

import pytest

from core.models import AuditLog
from core.services import create_api_token
from distribution.models import Handout
from tests.distribution.days_helpers import day_with_basket, household, programme

pytestmark = pytest.mark.django_db


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user, 'device')[1]}"}


@pytest.fixture
def desk():
    prog = programme(max_collections_per_month=1)
    day, items = day_with_basket(prog=prog)
    return prog, day, items


def _post(client, auth, body):
    return client.post("/api/v1/handouts", body, content_type="application/json", **auth)


def test_check_record_refuse_override_list_and_deliver(client, staff_user, desk):
    prog, day, items = desk
    auth = bearer(staff_user)
    hh, _card, code = household(prog, size=2, first_name="Ελένη")
    check = client.get(f"/api/v1/households/{hh.pk}/handout-check",
                       {"programme_id": prog.pk, "location_id": day.location.pk}, **auth)
    assert check.status_code == 200, check.content
    body = check.json()
    assert body["refusals"] == [] and body["first_name"] == "Ελένη" and body["size"] == 2
    assert {line["name"]: line["quantity"] for line in body["basket"]} == {"Ρύζι 1 kg": "2", "Σαπούνι": "2"}
    assert AuditLog.objects.filter(action="view", content_type__model="household", object_id=str(hh.pk)).exists()
    base = {"kind": "home_delivery", "location_id": day.location.pk, "household_id": hh.pk, "programme_id": prog.pk,
            "card_code": code, "lines": [{"item_id": items["rice"].pk, "quantity": "2"}],
            "delivered_by_id": staff_user.pk}
    first = _post(client, auth, base)
    assert first.status_code == 201, first.content
    assert first.json()["household_id"] == hh.pk and first.json()["basket"][0]["quantity"] == "2"
    refused = _post(client, auth, base)
    assert refused.status_code == 409 and refused.json()["code"] == "already_collected"
    recorded = _post(client, auth, {**base, "override_reason": "Νοσηλεία, δεν μπορεί να έρθει"})
    assert recorded.status_code == 201 and recorded.json()["override_code"] == "already_collected"
    listed = client.get("/api/v1/handouts", {"kind": "home_delivery"}, **auth).json()
    assert [h["id"] for h in listed] == [recorded.json()["id"], first.json()["id"]]
    delivered = client.post(f"/api/v1/handouts/{first.json()['id']}/delivered", {}, content_type="application/json",
                            **auth)
    assert delivered.status_code == 200 and delivered.json()["delivered_at"]


def test_anonymous_handout_over_the_api(client, staff_user, desk):
    _prog, day, items = desk
    auth = bearer(staff_user)
    answer = _post(client, auth, {"kind": "walk_in", "location_id": day.location.pk, "people": 2,
                                  "reason": "Διερχόμενοι", "groups": {"aged_65_up": 1, "men": 2},
                                  "lines": [{"item_id": items["soap"].pk, "quantity": "2"}]})
    assert answer.status_code == 201, answer.content
    assert answer.json()["household_id"] is None and answer.json()["aged_65_up"] == 1


@pytest.mark.parametrize("bad", [
    {"people": 0}, {"people": 100}, {"reason": ""}, {"lines": []}, {"lines": [{"item_id": 1, "quantity": "-1"}]},
    {"lines": [{"item_id": 999999, "quantity": "1"}]}, {"lines": [{"item_id": 1, "quantity": "1.0001"}]},
    {"groups": {"women": 3}}, {"kind": "party"}, {"card_code": "KY-0000-0000"}, {"location_id": 999999},
    {"delivered_by_id": 1}, {"people": "2"}, {"reason": "a\u0000b"},
])
def test_bad_requests_get_a_problem_document(client, staff_user, desk, bad):
    _prog, day, items = desk
    body = {"kind": "walk_in", "location_id": day.location.pk, "people": 2, "reason": "Διερχόμενοι",
            "lines": [{"item_id": items["soap"].pk, "quantity": "2"}], **bad}
    answer = _post(client, bearer(staff_user), body)
    assert answer.status_code in (400, 404, 409, 422), answer.content
    assert answer["Content-Type"].startswith("application/problem+json") and Handout.objects.count() == 0


def test_volunteers_are_refused(client, volunteer_user, desk):
    prog, day, _items = desk
    hh, _card, _code = household(prog)
    auth = bearer(volunteer_user)
    assert client.get("/api/v1/handouts", **auth).status_code == 403
    assert client.get(f"/api/v1/households/{hh.pk}/handout-check",
                      {"programme_id": prog.pk, "location_id": day.location.pk}, **auth).status_code == 403


def test_cancel_over_the_api(client, staff_user, desk):
    _prog, day, items = desk
    auth = bearer(staff_user)
    created = _post(client, auth, {"kind": "walk_in", "location_id": day.location.pk, "people": 1, "reason": "x",
                                   "lines": [{"item_id": items["soap"].pk, "quantity": "1"}]}).json()
    url = f"/api/v1/handouts/{created['id']}/cancel"
    assert client.post(url, {"reason": ""}, content_type="application/json", **auth).status_code == 422
    done = client.post(url, {"reason": "λάθος"}, content_type="application/json", **auth)
    assert done.status_code == 200 and done.json()["cancelled_at"]
    again = client.post(url, {"reason": "λάθος"}, content_type="application/json", **auth)
    assert again.status_code == 409 and again.json()["code"] == "already_cancelled"
