"""Writing pack sizes and kits over the API: staff add, change and remove an item's packs, set a kit's
contents, assemble and take apart kits once per request id; bad input is a problem document with a clear
message (Greek or English), never a 500; volunteers are refused."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditLog
from core.services import create_api_token
from inventory.models import KitRequest, Pack
from inventory.selectors import available_by_item
from tests.factories import LocationFactory
from tests.inventory.factories import ItemFactory, NonFoodItemFactory
from tests.inventory.helpers import stock

pytestmark = pytest.mark.django_db
D = Decimal


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user, 'device')[1]}"}


def _send(client, method, path, auth, body=None, language="el"):
    return getattr(client, method)(f"/api/v1{path}", body, content_type="application/json",
                                   HTTP_ACCEPT_LANGUAGE=language, **auth)


def test_staff_add_change_and_remove_a_pack_size(client, staff_user):
    auth = bearer(staff_user)
    water = NonFoodItemFactory(name_el="Νερό 1,5 l")
    added = _send(client, "post", f"/items/{water.pk}/packs", auth, {"name": "κιβώτιο", "units": 6,
                                                                       "code": "KYP-P-NOT-OURS"})
    assert added.status_code == 422, added.content  # our own prefix belongs to our labels
    assert added.json()["code"] == "bad_pack" and "KYP-" in added.json()["message"]
    added = _send(client, "post", f"/items/{water.pk}/packs", auth, {"name": "κιβώτιο", "units": 6})
    assert added.status_code == 201, added.content
    pack = added.json()
    assert (pack["item_id"], pack["name"], pack["units"], pack["barcodes"]) == (water.pk, "κιβώτιο", 6, [])

    again = _send(client, "post", f"/items/{water.pk}/packs", auth, {"name": "χαρτόκουτο", "units": 6})
    assert again.status_code == 422 and again.json()["code"] == "bad_pack"
    assert again["Content-Type"] == "application/problem+json"
    assert again.json()["message"] == "Το είδος έχει ήδη συσκευασία αυτού του μεγέθους."
    english = _send(client, "post", f"/items/{water.pk}/packs", auth, {"name": "carton", "units": 6}, "en")
    assert english.json()["message"] == "This item already has a pack of this size."
    blank = _send(client, "post", f"/items/{water.pk}/packs", auth, {"name": "  ", "units": 12})
    assert blank.status_code == 422 and blank.json()["message"] == "Η συσκευασία χρειάζεται όνομα."
    for bad in ({"name": "κιβώτιο", "units": 1}, {"name": "", "units": 12}, {"name": "κιβώτιο", "units": "12"},
                {"name": "κιβώτιο", "units": 12.5}):
        refused = _send(client, "post", f"/items/{water.pk}/packs", auth, bad)
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_request", (bad, refused.content)

    big = _send(client, "post", f"/items/{water.pk}/packs", auth, {"name": "παλέτα", "units": 72}).json()
    changed = _send(client, "patch", f"/packs/{pack['id']}", auth, {"units": 12, "name": "κιβώτιο 12άρι"})
    assert changed.status_code == 200 and (changed.json()["units"], changed.json()["name"]) == (12, "κιβώτιο 12άρι")
    clash = _send(client, "patch", f"/packs/{pack['id']}", auth, {"units": 72})
    assert clash.status_code == 422 and clash.json()["code"] == "bad_pack"
    assert Pack.objects.get(pk=pack["id"]).units == 12
    assert AuditLog.objects.filter(action="change", content_type__model="pack", object_id=str(pack["id"])).exists()

    removed = _send(client, "delete", f"/packs/{big['id']}", auth)
    assert removed.status_code == 204
    assert _send(client, "delete", f"/packs/{big['id']}", auth).status_code == 404
    assert list(Pack.objects.filter(item=water).values_list("units", flat=True)) == [12]


def test_kit_contents_and_assembling_once_per_request_id(client, staff_user):
    auth = bearer(staff_user)
    store = LocationFactory()
    kit = NonFoodItemFactory(name_el="Καλάθι 1–2 ατόμων")
    rice = ItemFactory(name_el="Ρύζι")
    soap = NonFoodItemFactory(name_el="Σαπούνι")
    stock(rice, store, 10, expiry=timezone.localdate() + timedelta(days=100))
    stock(soap, store, 10)

    itself = _send(client, "put", f"/items/{kit.pk}/kit-contents", auth,
                   {"lines": [{"item_id": kit.pk, "quantity": "1"}]})
    assert itself.status_code == 422 and itself.json()["code"] == "bad_kit"
    assert itself.json()["message"] == "Ένα κιτ δεν μπορεί να περιέχει τον εαυτό του."
    unknown = _send(client, "put", f"/items/{kit.pk}/kit-contents", auth,
                    {"lines": [{"item_id": 999999, "quantity": "1"}]})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_item"
    zero = _send(client, "put", f"/items/{kit.pk}/kit-contents", auth, {"lines": [{"item_id": rice.pk,
                                                                                   "quantity": "0"}]})
    assert zero.status_code == 422 and zero.json()["code"] == "bad_kit", zero.content
    bill = _send(client, "put", f"/items/{kit.pk}/kit-contents", auth,
                 {"lines": [{"item_id": rice.pk, "quantity": "2"}, {"item_id": soap.pk, "quantity": "1"}]})
    assert bill.status_code == 200, bill.content
    assert [(line["name"], D(line["quantity"])) for line in bill.json()["lines"]] == [("Ρύζι", 2), ("Σαπούνι", 1)]

    request_id = str(uuid.uuid4())
    body = {"action": "assemble", "location_id": store.pk, "count": 3, "request_id": request_id}
    first = _send(client, "post", f"/items/{kit.pk}/kits", auth, body)
    assert first.status_code == 201, first.content
    assert available_by_item(store, [kit, rice, soap]) == {kit.pk: 3, rice.pk: 4, soap.pk: 7}
    retry = _send(client, "post", f"/items/{kit.pk}/kits", auth, body)
    assert retry.status_code == 200 and retry.json() == first.json()
    assert available_by_item(store, [kit, rice, soap]) == {kit.pk: 3, rice.pk: 4, soap.pk: 7}
    reused = _send(client, "post", f"/items/{kit.pk}/kits", auth, {**body, "count": 1})
    assert reused.status_code == 422 and reused.json()["code"] == "request_id_reused"

    short = _send(client, "post", f"/items/{kit.pk}/kits", auth, {**body, "count": 5, "request_id": str(uuid.uuid4())})
    assert short.status_code == 409 and short.json()["code"] == "insufficient_stock", short.content
    apart = _send(client, "post", f"/items/{kit.pk}/kits", auth,
                  {**body, "action": "disassemble", "count": 2, "request_id": str(uuid.uuid4())})
    assert apart.status_code == 201
    assert available_by_item(store, [kit, rice, soap]) == {kit.pk: 1, rice.pk: 8, soap.pk: 9}
    not_a_kit = _send(client, "post", f"/items/{rice.pk}/kits", auth, {**body, "request_id": str(uuid.uuid4())},
                      "en")
    assert not_a_kit.status_code == 422 and not_a_kit.json()["code"] == "bad_kit"
    assert "has no contents, so it is not a kit" in not_a_kit.json()["message"]
    assert KitRequest.objects.count() == 2  # the two that were done; refusals keep nothing


def test_volunteers_may_not_write_packs_or_kits(client, volunteer_user):
    auth = bearer(volunteer_user)
    item = ItemFactory()
    for method, path, body in [
        ("post", f"/items/{item.pk}/packs", {"name": "κιβώτιο", "units": 6}),
        ("put", f"/items/{item.pk}/kit-contents", {"lines": []}),
        ("post", f"/items/{item.pk}/kits", {"action": "assemble", "location_id": 1, "count": 1,
                                            "request_id": str(uuid.uuid4())}),
    ]:
        response = _send(client, method, path, auth, body)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Pack.objects.exists()
