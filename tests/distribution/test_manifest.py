"""GET /api/v1/days/{id}/manifest: what a station needs to decide offline, decided by the scan's own
rules (a parity test against record_scan), keyed per day, with deltas, and only for those who may scan."""

import gzip
import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.services import create_api_token, revoke_api_token
from distribution.identifiers import hash_token, parse_code
from distribution.models import AuthorisedCollector, Card, Collection, DistributionDay, Enrolment
from distribution.selectors.scan import forget_scan_plans
from distribution.services.cards import revoke_card
from distribution.services.manifest import day_key, day_manifest, keyed_hash
from distribution.services.scans import record_scan
from tests.distribution.days_helpers import day_with_basket, household, programme
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(day, since=None):
    return f"/api/v1/days/{day.pk}/manifest" + (f"?since={since}" if since is not None else "")


def token_of(code):
    return parse_code(code)[1]


def by_number(manifest):
    return {entry["n"]: entry for entry in manifest["entries"]}


def test_shape_no_token_and_keyed_hash(volunteer_client):
    from distribution.api.days import ManifestOut

    day, _items = day_with_basket()
    hh, card, code = household(day.programme, size=2, first_name="Μαρία")
    AuthorisedCollector.objects.create(household=hh, name="Γιάννης Κ.")
    response = volunteer_client.get(url(day))
    assert response.status_code == 200, response.content
    body = response.json()
    ManifestOut.model_validate(body)
    entry = by_number(body)[card.display_number]
    assert entry["f"] == "Μαρία" and entry["s"] == 2 and entry["c"] == ["Γιάννης Κ."] and "r" not in entry
    assert {line["item"] for line in body["baskets"][entry["b"]]} >= {"Ρύζι 1 kg", "Σαπούνι"}
    # The station finds the entry by hashing what it read with the day's key; neither the token nor
    # the hash the server keeps is in the manifest.
    assert entry["k"] == keyed_hash(day_key(day), hash_token(token_of(code)))
    text = response.content.decode()
    assert token_of(code) not in text and card.token_hash not in text
    assert body["full"] is True and body["removed"] == []
    from core.models import AuditLog

    seen = AuditLog.objects.filter(action="export", object_id=str(day.pk)).first()
    assert seen is not None and seen.changes["manifest_entries"] >= 1
    zipped = volunteer_client.get(url(day), HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(zipped.content))["day"] == day.pk


def test_keys_change_per_day(volunteer_user):
    prog = programme()
    first, _items = day_with_basket(prog=prog)
    second, _items = day_with_basket(prog=prog, on=timezone.localdate() + timedelta(days=7))
    _hh, card, _code = household(prog)
    one = by_number(day_manifest(day_id=first.pk, by=volunteer_user))[card.display_number]["k"]
    two = by_number(day_manifest(day_id=second.pk, by=volunteer_user))[card.display_number]["k"]
    assert one != two
    assert DistributionDay.objects.get(pk=first.pk).manifest_salt != DistributionDay.objects.get(
        pk=second.pk).manifest_salt
    # Drawn once: the key stays for the day.
    assert by_number(day_manifest(day_id=first.pk, by=volunteer_user))[card.display_number]["k"] == one


def test_manifest_decides_as_the_scan(volunteer_user, staff_user):
    """For each kind of card, the manifest's decision equals what record_scan then answers."""
    prog = programme(max_collections_per_month=1)
    day, _items = day_with_basket(prog=prog)
    today = timezone.localdate()
    other_date = today + timedelta(days=1) if (today + timedelta(days=1)).month == today.month \
        else today - timedelta(days=1)
    other, _items = day_with_basket(prog=prog, location=day.location, on=other_date, stock_per_item=0)
    cards = {}
    cards["ok"] = household(prog)
    cards["revoked"] = household(prog)
    revoke_card(cards["revoked"][1], reason=Card.RevokeReason.LOST, by=staff_user)
    cards["card_expired"] = household(prog)
    Card.objects.filter(pk=cards["card_expired"][1].pk).update(valid_until=today - timedelta(days=1))
    cards["eligibility_ended"] = household(prog, start=today - timedelta(days=60), end=today - timedelta(days=1))
    cards["starts_later"] = household(prog, start=today + timedelta(days=3))
    cards["collected"] = household(prog)
    record_scan(day_id=day.pk, code=cards["collected"][2], station="Τραπέζι 2", request_id=str(uuid.uuid4()),
                by=volunteer_user)
    cards["limit"] = household(prog)  # collected on another day this month: the limit of 1 is reached
    Collection.objects.create(day=other, household=cards["limit"][0], card=cards["limit"][1], station="Τραπέζι 1",
                              at=timezone.now(), by=volunteer_user, household_size=3)
    manifest = by_number(day_manifest(day_id=day.pk, by=volunteer_user))
    assert manifest[cards["collected"][1].display_number]["x"]["station"] == "Τραπέζι 2"
    decided = {}
    for name, (_hh, card, code) in cards.items():
        entry = manifest[card.display_number]
        forget_scan_plans()
        answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                             by=volunteer_user)
        decided[name] = (entry.get("r", "collected"), answer.outcome)
        if "m" in entry:
            assert entry["m"] == answer.body["message"], name
    assert all(offline == online for offline, online in decided.values()), decided
    assert decided["ok"] == ("collected", "collected") and decided["revoked"][0] == "revoked_card"
    assert decided["starts_later"][0] == "not_enrolled" and decided["collected"][0] == "already_collected"
    assert decided["limit"][0] == "limit_reached" and decided["eligibility_ended"][0] == "expired_eligibility"


def _ten_minutes_ago():
    """Every change so far made ten minutes ago: out of the deltas' look-back (OVERLAP)."""
    from distribution.models import Household

    past = timezone.now() - timedelta(minutes=10)
    DistributionDay.objects.update(updated_at=past)
    Household.objects.update(updated_at=past)
    Card.objects.update(requested_at=past, printed_at=past)
    Enrolment.objects.update(created_at=past)


def test_deltas(volunteer_user, staff_user):
    day, _items = day_with_basket()
    _hh, card, code = household(day.programme)
    _hh2, other, _code2 = household(day.programme)
    _ten_minutes_ago()
    first = day_manifest(day_id=day.pk, by=volunteer_user)
    assert {card.display_number, other.display_number} <= set(by_number(first))
    unchanged = day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user)
    assert unchanged["full"] is False and unchanged["entries"] == [] and unchanged["removed"] == []
    record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer_user)
    revoke_card(other, reason=Card.RevokeReason.STOLEN, by=staff_user)
    changed = by_number(day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user))
    assert set(changed) == {card.display_number, other.display_number}
    assert changed[card.display_number]["r"] == "already_collected"
    assert changed[other.display_number]["r"] == "revoked_card"
    # A household no longer enrolled in the programme leaves the manifest: listed as removed.
    Enrolment.objects.filter(household=other.household).delete()
    Card.objects.filter(pk=other.pk).update(revoked_at=timezone.now())
    delta = day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user)
    assert delta["removed"] == [other.display_number]
    # A change of the day itself (its basket, status): the whole manifest again.
    day.save()
    assert day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user)["full"] is True
    # A version from the future or too old: the whole manifest.
    assert day_manifest(day_id=day.pk, since=2**52, by=volunteer_user)["full"] is True
    assert day_manifest(day_id=day.pk, since=0, by=volunteer_user)["full"] is True


def test_access_and_bad_input(volunteer_client):
    day, _items = day_with_basket()
    assert Client().get(url(day)).status_code in (401, 403)
    assert volunteer_client.get("/api/v1/days/999999/manifest").status_code == 404
    assert volunteer_client.get(url(day, "abc")).status_code == 400
    assert volunteer_client.get(url(day, "-5")).status_code == 400


def test_revoked_device_token_stops_the_manifest_at_once(staff_user):
    day, _items = day_with_basket()
    household(day.programme)
    user = UserFactory(username="tablet", role="volunteer")
    row, token = create_api_token(user, "Tablet 1")
    device = Client()
    assert device.get(url(day), HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    revoke_api_token(row, by=staff_user)
    assert device.get(url(day), HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_delta_brings_a_collection_synchronised_late(volunteer_user):
    """A scan made offline twenty minutes ago and synchronised now is in the next delta of the other
    stations (its collection's `at` is when it was made, long before their last version)."""
    from distribution.services.offline import record_offline_scan

    day, _items = day_with_basket()
    _hh, card, code = household(day.programme)
    _ten_minutes_ago()
    first = day_manifest(day_id=day.pk, by=volunteer_user)
    record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 3", request_id=str(uuid.uuid4()),
                        by=volunteer_user, made_at=timezone.now() - timedelta(minutes=20))
    changed = by_number(day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user))
    assert changed[card.display_number]["r"] == "already_collected"
    assert changed[card.display_number]["x"]["station"] == "Τραπέζι 3"


def test_a_token_revoked_by_another_process_stops_manifest_and_sync_at_once(staff_user):
    from core.models import ApiToken

    day, _items = day_with_basket()
    household(day.programme)
    user = UserFactory(username="tablet-2", role="volunteer")
    row, token = create_api_token(user, "Tablet 2")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    device = Client()
    assert device.get(url(day), **auth).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())  # no signal: the cache still holds it
    assert device.get(url(day), **auth).status_code == 401
    batch = {"scans": [{"code": "KC-1", "day": day.pk, "station": "Τ1", "request_id": str(uuid.uuid4()),
                        "made_at": timezone.now().isoformat()}]}
    assert device.post("/api/v1/scans/batch", data=json.dumps(batch), content_type="application/json",
                       **auth).status_code == 401
