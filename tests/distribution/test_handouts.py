"""Hand-outs outside a distribution day: the station's answer at the desk, the programme's rules and
their override, anonymous hand-outs, the stock, the audit, and the database's own rules."""

import uuid
from datetime import time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import AuditLog
from distribution.models import Card, Collection, DistributionDay, Enrolment, Handout, Household
from distribution.models.handouts import HANDOUT_DOCUMENT
from distribution.selectors.scan import forget_scan_plans
from distribution.services.cards import revoke_card
from distribution.services.handouts import (
    HandoutRefused,
    cancel_handout,
    desk_answer,
    record_delivery,
    record_handout,
)
from distribution.services.manifest import day_manifest
from distribution.services.scans import record_scan
from inventory.models import StockMovement
from inventory.selectors import available_by_item
from inventory.services import InsufficientStock
from tests.distribution.days_helpers import d, day_with_basket, household, programme
from tests.inventory.helpers import stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """A programme of at most one collection a month, its day today at a location with a basket and stock."""
    prog = programme(max_collections_per_month=1)
    day, items = day_with_basket(prog=prog)
    return prog, day, items


def _handout(staff_user, day, items, **kw):
    kw.setdefault("lines", [(items["rice"], 2), (items["soap"], 1)])
    kw.setdefault("kind", Handout.Kind.EMERGENCY)
    return record_handout(by=staff_user, location=day.location, **kw)


def test_the_desk_gives_the_stations_answer_and_basket(staff_user, desk):
    prog, day, items = desk
    hh, _card, _code = household(prog, size=4, children_under_3=1, first_name="Αϊσέ")
    answer = desk_answer(household=hh, programme=prog, location=day.location)
    assert answer.refusals == [] and answer.size == 4 and answer.first_name == "Αϊσέ"
    assert {line.item.name: line.quantity for line in answer.basket} == {
        "Ρύζι 1 kg": d(2), "Σαπούνι": d(4), "Πάνες Νο4": d(10)}
    assert answer.display["level"] == "ok"


def test_a_handout_takes_goods_out_of_stock_earliest_expiry_first_and_is_audited(staff_user, desk):
    prog, day, items = desk
    soon = timezone.localdate() + timedelta(days=5)
    stock(items["rice"], day.location, 3, lot="early", expiry=soon)
    hh, _card, _code = household(prog)
    handout = _handout(staff_user, day, items, household=hh, programme=prog)
    taken = StockMovement.objects.filter(document_type=HANDOUT_DOCUMENT, document_key=handout.pk)
    rice = taken.get(item=items["rice"])
    assert rice.lot == "early" and rice.quantity == d(-2) and rice.reason == StockMovement.Reason.DISTRIBUTED
    assert available_by_item(day.location, [items["rice"]])[items["rice"].pk] == d(101)
    assert handout.people == 3 and handout.household == hh and handout.has_food and handout.has_goods
    entry = AuditLog.objects.get(object_id=str(handout.pk), action=AuditLog.Action.CREATE,
                                 content_type__model="handout")
    assert entry.user == staff_user and entry.changes["kind"] == [None, "emergency"]


def test_over_the_frequency_limit_refused_without_a_reason_and_recorded_with_one(staff_user, desk):
    prog, day, items = desk
    hh, _card, _code = household(prog)
    _handout(staff_user, day, items, household=hh, programme=prog)
    with pytest.raises(HandoutRefused) as refused:
        _handout(staff_user, day, items, household=hh, programme=prog, override_reason="   ")
    codes = [code for code, _m in refused.value.refusals]
    assert codes == ["already_collected", "limit_reached"] and refused.value.overridable
    assert "1 of 1" in str(refused.value) or "1 από 1" in str(refused.value)
    assert Handout.objects.count() == 1
    second = _handout(staff_user, day, items, household=hh, programme=prog,
                      override_reason="Έξωση χθες, δεν έχουν τίποτα")
    assert second.override_code == "already_collected" and second.override_reason.startswith("Έξωση")
    entry = AuditLog.objects.get(object_id=str(second.pk), content_type__model="handout")
    assert entry.changes["overridden"] == [None, ["already_collected", "limit_reached"]]


def test_a_handout_counts_at_the_station_towards_the_monthly_limit(staff_user, volunteer_user, desk):
    prog, day, items = desk
    hh, _card, code = household(prog)
    _handout(staff_user, day, items, household=hh, programme=prog)
    forget_scan_plans()
    answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                         by=volunteer_user)
    assert answer.outcome == "limit_reached"


def test_not_enrolled_is_refused_and_a_revoked_card_is_never_overridden(staff_user, coordinator, desk):
    prog, day, items = desk
    stranger, card, _code = household(None)
    with pytest.raises(HandoutRefused) as refused:
        _handout(staff_user, day, items, household=stranger, programme=prog)
    assert refused.value.code == "not_enrolled"
    assert _handout(staff_user, day, items, household=stranger, programme=prog,
                    override_reason="Πυρκαγιά στο σπίτι").override_code == "not_enrolled"
    hh, card, _code = household(prog)
    revoke_card(card, reason="lost", by=coordinator)
    card.refresh_from_db()
    with pytest.raises(HandoutRefused) as refused:
        _handout(staff_user, day, items, household=hh, programme=prog, card=card, override_reason="παρ' όλα αυτά")
    assert refused.value.code == "revoked_card" and not refused.value.overridable
    assert Handout.objects.filter(household=hh).count() == 0


def test_a_card_of_another_household_is_refused(staff_user, desk):
    prog, day, items = desk
    hh, _card, _code = household(prog)
    _other, other_card, _code = household(prog)
    with pytest.raises(Exception, match="another household|άλλο νοικοκυριό"):
        _handout(staff_user, day, items, household=hh, programme=prog, card=other_card)


def test_the_desk_warns_of_goods_received_days_ago(staff_user, desk):
    prog, day, items = desk
    hh, card, _code = household(prog)
    earlier = DistributionDay.objects.create(date=timezone.localdate() - timedelta(days=3), location=day.location,
                                             programme=programme(), starts_at=time(9), ends_at=time(12))
    Collection.objects.create(day=earlier, household=hh, card=card, station="Τραπέζι 1", by=staff_user,
                              at=timezone.now() - timedelta(days=3), household_size=3)
    answer = desk_answer(household=hh, programme=prog, location=day.location)
    assert answer.refusals == []
    assert any("3" in warning and day.location.name in warning for warning in answer.warnings)
    assert answer.display["level"] == "warn"


def test_an_anonymous_handout_stores_no_personal_data(staff_user, desk):
    _prog, day, items = desk
    handout = _handout(staff_user, day, items, reason="Άστεγος, περαστικός", people=3,
                       groups={"aged_under_18": 1, "aged_30_64": 1, "women": 2})
    handout.refresh_from_db()
    assert handout.household is None and handout.card is None and handout.programme is None
    assert (handout.people, handout.age_not_declared, handout.sex_not_declared) == (3, 1, 1)
    person_fields = {f.name for f in Handout._meta.get_fields()} & {"first_name", "last_name", "name", "amka",
                                                                     "phone", "address", "birth_date"}
    assert person_fields == set()
    entry = AuditLog.objects.get(object_id=str(handout.pk), content_type__model="handout")
    assert entry.changes["anonymous"] == [None, True]


@pytest.mark.parametrize(("fields", "message"), [
    ({"reason": "", "people": 2}, "why"),
    ({"reason": "έξωση", "people": 0}, "number of people"),
    ({"reason": "έξωση", "people": "πολλοί"}, "number of people"),
    ({"reason": "έξωση", "people": 2, "groups": {"aged_under_18": 2, "aged_65_up": 1}}, "age groups"),
    ({"reason": "έξωση", "people": 2, "groups": {"women": 2, "men": 1}}, "Women and men"),
    ({"reason": "έξωση", "people": 2, "groups": {"women": -1}}, "negative"),
    ({"reason": "έξωση", "people": 2, "lines": []}, "at least one item"),
    ({"reason": "έξωση", "people": 2, "kind": "party"}, "kind"),
])
def test_bad_anonymous_handouts_are_refused_with_a_message(staff_user, desk, settings, fields, message):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    _prog, day, items = desk
    with translation.override("en"), pytest.raises(Exception, match=message):
        _handout(staff_user, day, items, **fields)
    assert Handout.objects.count() == 0


@pytest.mark.parametrize("quantity", ["0", "-1", "abc", "1.0001", "NaN", "1e9"])
def test_bad_quantities_are_refused(staff_user, desk, quantity):
    _prog, day, items = desk
    with pytest.raises(Exception, match="quantit|ποσότητ|number|αριθμό"):
        _handout(staff_user, day, items, reason="έξωση", people=1, lines=[(items["rice"], quantity)])
    assert Handout.objects.count() == 0


def test_not_enough_stock_writes_nothing(staff_user, desk):
    _prog, day, items = desk
    with pytest.raises(InsufficientStock):
        _handout(staff_user, day, items, reason="έξωση", people=1, lines=[(items["rice"], 500)])
    assert Handout.objects.count() == 0 and not StockMovement.objects.filter(document_type=HANDOUT_DOCUMENT).exists()


def test_a_home_delivery_records_who_took_it_and_when(staff_user, coordinator, desk):
    prog, day, items = desk
    hh, _card, _code = household(prog)
    handout = _handout(staff_user, day, items, household=hh, programme=prog, kind=Handout.Kind.HOME_DELIVERY,
                       delivered_by=coordinator)
    assert handout.delivered_at is None
    with pytest.raises(Exception, match="between|μεταξύ"):
        record_delivery(handout, by=staff_user, delivered_by=coordinator,
                        delivered_at=handout.at - timedelta(hours=1))
    record_delivery(handout, by=staff_user, delivered_by=coordinator)
    handout.refresh_from_db()
    assert handout.delivered_by == coordinator and handout.delivered_at >= handout.at
    walk_in = _handout(staff_user, day, items, reason="περαστικός", people=1, kind=Handout.Kind.WALK_IN)
    with pytest.raises(Exception, match="home delivery|κατ' οίκον"):
        record_delivery(walk_in, by=staff_user, delivered_by=coordinator)


def _row(staff_user, day, **fields):
    now = timezone.now()
    values = {"kind": "emergency", "location": day.location, "date": now.date(), "at": now, "by": staff_user,
              "people": 1, "reason": "έξωση"}
    values.update(fields)
    return Handout(**values)


@pytest.mark.parametrize("fields", [
    {"reason": ""},                                            # anonymous without a reason
    {"people": 0},
    {"override_code": "limit_reached", "override_reason": ""},  # an override without a reason
    {"override_code": "limit_reached", "override_reason": "x"},  # an anonymous one overrides nothing
    {"people": 2, "aged_under_18": 2, "aged_65_up": 1},
    {"people": 2, "women": 2, "men": 1},
    {"kind": "walk_in", "delivered_at": timezone.now()},
])
def test_the_database_refuses_what_the_service_refuses(staff_user, desk, fields):
    _prog, day, _items = desk
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(staff_user, day, **fields).save()


def test_the_database_refuses_a_household_without_programme_or_with_age_groups(staff_user, desk):
    prog, day, _items = desk
    hh, _card, _code = household(prog)
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(staff_user, day, household=hh).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(staff_user, day, household=hh, programme=prog, people=3, women=1).save()
    _row(staff_user, day, household=hh, programme=prog, reason="").save()


def test_a_delivery_cannot_be_before_the_handout(staff_user, desk):
    _prog, day, _items = desk
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(staff_user, day, kind="home_delivery", delivered_at=timezone.now() - timedelta(days=1)).save()
    assert Handout.objects.count() == 0


def test_a_cancelled_handout_returns_its_goods_and_counts_nowhere(staff_user, volunteer_user, desk):
    from django.core.management import call_command

    prog, day, items = desk
    hh, _card, code = household(prog)
    handout = _handout(staff_user, day, items, household=hh, programme=prog)
    with pytest.raises(Exception, match="why|γιατί"):
        cancel_handout(handout, reason="  ", by=staff_user)
    cancel_handout(handout, reason="Λάθος νοικοκυριό", by=staff_user)
    with pytest.raises(Exception, match="already|ήδη"):
        cancel_handout(handout, reason="ξανά", by=staff_user)
    assert available_by_item(day.location, [items["rice"]])[items["rice"].pk] == d(100)
    call_command("check_stock")
    assert desk_answer(household=hh, programme=prog, location=day.location).refusals == []
    forget_scan_plans()
    answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                         by=volunteer_user)
    assert answer.outcome == "collected"
    entry = AuditLog.objects.filter(object_id=str(handout.pk), content_type__model="handout",
                                    action=AuditLog.Action.CHANGE).get()
    assert entry.changes["cancelled"] == [None, True]
    with pytest.raises(IntegrityError), transaction.atomic():
        Handout.objects.filter(pk=handout.pk).update(cancel_reason="")


def test_a_handout_reaches_the_offline_manifest_as_a_delta(staff_user, volunteer_user, desk):
    prog, day, items = desk
    hh, card, _code = household(prog)
    past = timezone.now() - timedelta(minutes=10)  # every change so far out of the deltas' look-back
    DistributionDay.objects.update(updated_at=past)
    Household.objects.update(updated_at=past)
    Card.objects.update(requested_at=past, printed_at=past)
    Enrolment.objects.update(created_at=past)
    first = day_manifest(day_id=day.pk, by=volunteer_user)
    assert day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user)["entries"] == []
    handout = _handout(staff_user, day, items, household=hh, programme=prog)
    delta = day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user)
    assert delta["full"] is False
    assert {entry["n"]: entry for entry in delta["entries"]}[card.display_number]["r"] == "limit_reached"
    cancel_handout(handout, reason="λάθος", by=staff_user)
    delta = day_manifest(day_id=day.pk, since=first["version"], by=volunteer_user)
    assert "r" not in {entry["n"]: entry for entry in delta["entries"]}[card.display_number]
