"""The scan: every outcome, idempotent replays, corrections, and the query budget."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.db import ttl_cache as kept_module
from core.models import AuditLog
from distribution.models import BasketRule, Card, Collection, DistributionDay, Scan
from distribution.selectors import scan as scan_selectors
from distribution.selectors.scan import forget_scan_plans
from distribution.services.days import cancel_collection, set_basket
from distribution.services.scans import ScanRequestError, record_scan
from inventory.models import StockMovement
from inventory.selectors import available_by_item
from tests.distribution.days_helpers import collector, d, day_with_basket, household, programme
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def rid():
    return str(uuid.uuid4())


def scan(day, code, by, station="Τραπέζι 1", request_id=None, **kw):
    return record_scan(day_id=day.pk, code=code, station=station, request_id=request_id or rid(), by=by, **kw)


def stock_of(day, items):
    return available_by_item(day.location, list(items.values()))


def test_green_answer_hands_over_the_right_basket_and_takes_it_out_of_stock(volunteer_user):
    day, items = day_with_basket()
    hh, card, code = household(day.programme, size=4, children_under_3=1, first_name="Αϊσέ")
    answer = scan(day, code, volunteer_user)
    assert answer.status == 201 and answer.outcome == "collected"
    body = answer.body
    assert body["household"] == {"card_number": card.display_number, "first_name": "Αϊσέ", "size": 4,
                                 "collector": None}
    basket = {line["item"]: line["quantity"] for line in body["basket"]}
    assert basket == {"Ρύζι 1 kg": "2", "Σαπούνι": "4", "Πάνες Νο4": "10"}
    assert body["display"]["level"] == "ok"
    assert "Αϊσέ" in body["display"]["headline"] and "4" in body["display"]["headline"]
    assert "Ρύζι 1 kg × 2" in body["display"]["lines"]
    collection = Collection.objects.get()
    assert body["collection"]["id"] == collection.pk and collection.station == "Τραπέζι 1"
    assert stock_of(day, items) == {items["rice"].pk: d(98), items["soap"].pk: d(96), items["nappies"].pk: d(90)}
    movements = StockMovement.objects.filter(document_type="distribution.collection", document_id=str(collection.pk))
    assert movements.count() == 3
    scan_row = Scan.objects.get()
    assert scan_row.outcome == "collected" and scan_row.card == card and scan_row.by == volunteer_user
    # Nothing personal beyond the first name and size reaches the table.
    assert "Σαλή" not in str(body) and "Ρωμανού" not in str(body) and "kea" not in str(body)


def test_large_household_gets_the_larger_rice_line(volunteer_user):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme, size=6)
    basket = {line["item"]: line["quantity"] for line in scan(day, code, volunteer_user).body["basket"]}
    assert basket == {"Ρύζι 1 kg": "3", "Σαπούνι": "6"}


def test_a_replay_returns_the_first_answer_and_records_nothing(volunteer_user):
    day, items = day_with_basket()
    _hh, _card, code = household(day.programme)
    request_id = rid()
    first = scan(day, code, volunteer_user, request_id=request_id)
    again = scan(day, code, volunteer_user, request_id=request_id)
    assert (first.status, again.status) == (201, 200) and again.replay
    assert again.body == first.body
    assert Collection.objects.count() == 1 and Scan.objects.count() == 1
    assert stock_of(day, items)[items["rice"].pk] == d(98)


def test_a_replay_of_a_refusal_is_the_same_refusal(volunteer_user):
    day, _items = day_with_basket()
    request_id = rid()
    first = scan(day, "KC1-AAAAAAAAAAAAAAAA", volunteer_user, request_id=request_id)
    again = scan(day, "KC1-AAAAAAAAAAAAAAAA", volunteer_user, request_id=request_id)
    assert (first.status, again.status) == (422, 200) and again.body == first.body
    assert Scan.objects.count() == 1


def test_a_replay_after_a_cancellation_does_not_collect_again(volunteer_user, staff_user):
    day, items = day_with_basket()
    _hh, _card, code = household(day.programme)
    request_id = rid()
    scan(day, code, volunteer_user, request_id=request_id)
    cancel_collection(Collection.objects.get(), reason="λάθος", by=staff_user)
    again = scan(day, code, volunteer_user, request_id=request_id)
    assert again.status == 200 and again.replay
    assert Collection.objects.count() == 1 and stock_of(day, items)[items["rice"].pk] == d(100)


def test_second_scan_is_red_with_table_time_and_volunteer(volunteer_user, staff_user):
    day, items = day_with_basket()
    _hh, _card, code = household(day.programme)
    first = scan(day, code, volunteer_user, station="Τραπέζι 1")
    second = scan(day, code, staff_user, station="Τραπέζι 2")
    assert second.status == 409 and second.outcome == "already_collected"
    at = timezone.localtime(Collection.objects.get().at).strftime("%H:%M")
    assert "Τραπέζι 1" in second.body["message"] and at in second.body["message"]
    assert volunteer_user.get_username() in second.body["message"] or volunteer_user.get_full_name() in \
        second.body["message"]
    assert second.body["collection"]["id"] == first.body["collection"]["id"]
    assert second.body["display"]["level"] == "bad"
    assert Collection.objects.count() == 1 and stock_of(day, items)[items["rice"].pk] == d(98)
    refused = Scan.objects.get(outcome="already_collected")
    assert refused.by == staff_user and refused.station == "Τραπέζι 2"


def test_unknown_card_and_typed_garbage(volunteer_user):
    day, _items = day_with_basket()
    for code in ["KC1-ABCDEFGHIJKLMNOP", "hello", "0000-0000"]:
        answer = scan(day, code, volunteer_user)
        assert answer.status == 422 and answer.outcome == "unknown_card" and answer.body["household"] is None
    masked = Scan.objects.filter(outcome="unknown_card").values_list("code_hint", flat=True)
    assert "KC1-ABCDEFGHIJKLMNOP" not in masked


def test_a_typed_card_number_works_and_asks_for_an_id(volunteer_user):
    day, _items = day_with_basket()
    _hh, card, _code = household(day.programme)
    answer = scan(day, card.display_number, volunteer_user)
    assert answer.status == 201
    assert any("ID" in line or "ταυτότητα" in line for line in answer.body["display"]["lines"])


def test_revoked_card_is_refused(volunteer_user):
    day, _items = day_with_basket()
    _hh, card, code = household(day.programme)
    Card.objects.filter(pk=card.pk).update(status="revoked", revoked_at=timezone.now(), revoke_reason="lost")
    answer = scan(day, code, volunteer_user)
    assert answer.status == 422 and answer.outcome == "revoked_card"
    assert Collection.objects.count() == 0 and Scan.objects.get().card_id == card.pk


def test_expired_card_and_expired_eligibility(volunteer_user):
    day, _items = day_with_basket()
    today = timezone.localdate()
    _hh, card, code = household(day.programme)
    Card.objects.filter(pk=card.pk).update(valid_until=today - timedelta(days=1))
    assert scan(day, code, volunteer_user).outcome == "expired_eligibility"
    _hh, _card, code = household(day.programme, start=today - timedelta(days=400), end=today - timedelta(days=2))
    answer = scan(day, code, volunteer_user)
    assert answer.outcome == "expired_eligibility" and answer.status == 422
    assert (today - timedelta(days=2)).strftime("%d/%m") in answer.body["message"]


def test_enrolment_ended_early_is_expired(volunteer_user):
    day, _items = day_with_basket()
    hh, _card, code = household(day.programme)
    hh.enrolments.update(ended_early_on=timezone.localdate() - timedelta(days=1))
    assert scan(day, code, volunteer_user).outcome == "expired_eligibility"


def test_not_enrolled_in_this_programme(volunteer_user):
    day, _items = day_with_basket()
    _hh, _card, code = household(programme())  # enrolled elsewhere
    answer = scan(day, code, volunteer_user)
    assert answer.outcome == "not_enrolled" and answer.status == 422


def test_enrolled_from_a_later_date_is_told_from_when(volunteer_user):
    day, _items = day_with_basket()
    starts = timezone.localdate() + timedelta(days=10)
    _hh, _card, code = household(day.programme, start=starts, end=starts + timedelta(days=300))
    answer = scan(day, code, volunteer_user)
    assert answer.outcome == "not_enrolled" and answer.status == 422
    assert f"από {starts:%d/%m/%Y}" in answer.body["message"] and "Μην" in answer.body["message"]


def test_monthly_limit(volunteer_user):
    prog = programme(max_collections_per_month=1)
    today = timezone.localdate()
    earlier_day, _ = day_with_basket(prog=prog)
    _hh, _card, code = household(prog)
    assert scan(earlier_day, code, volunteer_user).status == 201
    # Move that day earlier in the same month when possible (else it is the same date: still counts).
    DistributionDay.objects.filter(pk=earlier_day.pk).update(date=today.replace(day=1) if today.day > 1 else today)
    day, _ = day_with_basket(prog=prog, location=earlier_day.location)
    answer = scan(day, code, volunteer_user)
    assert answer.outcome == "limit_reached" and "1" in answer.body["message"]


def test_wrong_day_and_closed_day(volunteer_user):
    day, _items = day_with_basket(on=timezone.localdate() + timedelta(days=1))
    _hh, _card, code = household(day.programme)
    assert scan(day, code, volunteer_user).outcome == "wrong_day"
    today_day, _ = day_with_basket(prog=day.programme)
    DistributionDay.objects.filter(pk=today_day.pk).update(status="closed")
    answer = scan(today_day, code, volunteer_user)
    assert answer.outcome == "wrong_day" and answer.status == 422


def test_no_such_day_is_a_bad_request(volunteer_user):
    with pytest.raises(ScanRequestError):
        record_scan(day_id=999999, code="x", station="T", request_id=rid(), by=volunteer_user)


def test_out_of_stock_collects_nothing(volunteer_user):
    day, items = day_with_basket(stock_per_item=3)
    _hh, _card, code = household(day.programme, size=4)  # wants 4 soap, 3 in stock
    answer = scan(day, code, volunteer_user)
    assert answer.outcome == "out_of_stock" and answer.status == 422
    assert "Σαπούνι" in answer.body["message"]
    assert Collection.objects.count() == 0 and stock_of(day, items)[items["rice"].pk] == d(3)


def test_authorised_collector_is_amber(volunteer_user):
    day, _items = day_with_basket()
    hh, _card, code = household(day.programme)
    neighbour = collector(hh)
    answer = scan(day, code, volunteer_user, collector_id=neighbour.pk, id_checked=True)
    assert answer.status == 201 and answer.body["display"]["level"] == "warn"
    assert answer.body["household"]["collector"] == neighbour.name
    assert neighbour.name in answer.body["display"]["headline"]
    assert Collection.objects.get().collector == neighbour
    other_hh, _c, _code = household(day.programme)
    stranger = collector(other_hh, "Άλλος")
    _hh2, _card2, code2 = household(day.programme)
    with pytest.raises(ScanRequestError):
        scan(day, code2, volunteer_user, collector_id=stranger.pk)


def test_cancelling_a_collection_returns_the_goods_and_allows_a_new_one(volunteer_user, staff_user):
    day, items = day_with_basket()
    _hh, _card, code = household(day.programme, size=2)
    scan(day, code, volunteer_user)
    collection = Collection.objects.get()
    cancel_collection(collection, reason="Δόθηκε σε λάθος οικογένεια", by=staff_user)
    collection.refresh_from_db()
    assert collection.is_cancelled and collection.cancelled_by == staff_user
    assert stock_of(day, items) == {items["rice"].pk: d(100), items["soap"].pk: d(100), items["nappies"].pk: d(100)}
    corrections = StockMovement.objects.filter(reason="correction", document_id=str(collection.pk))
    assert corrections.count() == 2 and all(m.reverses_id for m in corrections)
    assert AuditLog.objects.filter(object_id=str(collection.pk), action="change").exists()
    again = scan(day, code, volunteer_user)
    assert again.status == 201 and Collection.objects.filter(cancelled_at__isnull=True).count() == 1
    from distribution.services import DistributionError

    with pytest.raises(DistributionError):
        cancel_collection(collection, reason="ξανά", by=staff_user)
    with pytest.raises(DistributionError):
        cancel_collection(Collection.objects.get(cancelled_at__isnull=True), reason="  ", by=staff_user)
    call_command("check_stock")


def test_the_database_refuses_a_second_collection(volunteer_user):
    from django.db import IntegrityError, transaction

    day, _items = day_with_basket()
    hh, _card, code = household(day.programme)
    scan(day, code, volunteer_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Collection.objects.create(day=day, household=hh, station="X", at=timezone.now(), by=volunteer_user,
                                  household_size=1)


CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")


def statements(context):
    """The SQL statements run (SQLite's backend also logs BEGIN/COMMIT; PostgreSQL's does not)."""
    return [q["sql"] for q in context.captured_queries if not q["sql"].startswith(CONTROL)]


@pytest.mark.django_db(transaction=True)  # no test transaction around it: no savepoints in the count
def test_a_scan_costs_at_most_8_queries(volunteer_user, django_assert_max_num_queries):
    day, _items = day_with_basket()
    codes = [household(day.programme, size=3, children_under_3=1)[2] for _ in range(3)]
    scan(day, codes[0], volunteer_user)  # warm caches (content types, the day's plan)
    cases = [
        (codes[1], {}, 201, 6),
        (codes[1], {}, 409, 3),
        ("KC1-AAAAAAAAAAAAAAAA", {}, 422, 2),
        ("not a card at all", {}, 422, 2),
    ]
    other_hh, _c, code = household(day.programme)
    cases.append((code, {"collector_id": collector(other_hh).pk}, 201, 7))
    cases.append((codes[2], {"forget_plan": True}, 201, 7))  # the plan read again: one statement more
    # On PostgreSQL take_out locks and updates the levels and inserts the ledger rows in one statement.
    merged = 2 if connection.vendor == "postgresql" else 0
    for code, extra, status, expected in cases:
        if status == 201:
            expected -= merged
        if extra.pop("forget_plan", False):
            forget_scan_plans()
        with django_assert_max_num_queries(8 + 2) as context:  # + BEGIN/COMMIT on SQLite
            assert scan(day, code, volunteer_user, **extra).status == status
        assert len(statements(context)) == expected, statements(context)


@pytest.mark.django_db(transaction=True)
def test_under_a_monthly_limit_the_scan_locks_the_household_before_reading_it(volunteer_user,
                                                                            django_assert_max_num_queries):
    """Statements per scan: no limit, as above (4 on PostgreSQL, 6 on SQLite); under a monthly limit one
    more on PostgreSQL, the household's lock, first (on SQLite the transaction holds the write lock)."""
    day, _items = day_with_basket(prog=programme(max_collections_per_month=2))
    codes = [household(day.programme, size=2)[2] for _ in range(3)]
    scan(day, codes[0], volunteer_user)  # warm caches
    on_postgres = connection.vendor == "postgresql"
    for code, status, expected in [(codes[1], 201, 5 if on_postgres else 6), (codes[1], 409, 4 if on_postgres else 3),
                                   ("not a card at all", 422, 2)]:
        with django_assert_max_num_queries(8 + 2) as context:
            assert scan(day, code, volunteer_user).status == status
        run = statements(context)
        assert len(run) == expected, run
        if on_postgres and status != 422:
            assert run[0].endswith("FOR NO KEY UPDATE") and "distribution_household" in run[0], run


def test_wrong_location_day_of_other_location_is_fine_but_stock_is_the_days(volunteer_user):
    """Stock always comes from the day's own location."""
    day, items = day_with_basket(location=LocationFactory(name="Παράρτημα Ρομά"))
    _hh, _card, code = household(day.programme, size=1)
    scan(day, code, volunteer_user)
    assert stock_of(day, items)[items["rice"].pk] == d(98)


@pytest.mark.postgres
def test_on_postgresql_the_scan_statements_are_prepared_once_per_connection(on_postgres, volunteer_user):
    """The hot path (core.db.rows) runs as prepared statements; the ORM elsewhere does not."""
    from django.db import connection

    day, _items = day_with_basket()
    codes = [household(day.programme, size=2)[2] for _ in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # psycopg notices and forgets what it had prepared
    for code in codes:
        assert scan(day, code, volunteer_user).status == 201

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    inserts = [sql for sql in prepared if sql.startswith('INSERT INTO "distribution_collection"')]
    assert len(inserts) == 1, prepared  # one shape, prepared once, used three times
    assert any(sql.startswith('INSERT INTO "distribution_scan"') for sql in prepared)
    assert any("FOR UPDATE" in sql for sql in prepared)


# --- The day's plan kept by the process (selectors.scan.read_for_scan) -------------------------


def _basket_names(answer):
    return sorted(line["item"] for line in answer.body["basket"])


def test_a_day_closed_or_moved_behind_the_cache_is_refused_at_the_next_scan(volunteer_user):
    """The day's row is read with every card: no signal is needed for status and date."""
    day, _items = day_with_basket()
    codes = [household(day.programme)[2] for _ in range(3)]
    assert scan(day, codes[0], volunteer_user).status == 201  # the plan is now kept
    DistributionDay.objects.filter(pk=day.pk).update(status=DistributionDay.Status.CLOSED)
    assert scan(day, codes[1], volunteer_user).outcome == "wrong_day"
    DistributionDay.objects.filter(pk=day.pk).update(status=DistributionDay.Status.PLANNED,
                                                     date=timezone.localdate() + timedelta(days=1))
    assert scan(day, codes[2], volunteer_user).outcome == "wrong_day"


def test_a_new_basket_is_used_at_once_even_by_a_process_that_kept_the_old_plan(volunteer_user, staff_user):
    day, items = day_with_basket()
    code = household(day.programme)[2]
    scan(day, "KC1-AAAAAAAAAAAAAAAA", volunteer_user)  # keeps this day's plan (no collection yet)
    kept = scan_selectors._plans.entries[day.pk]
    set_basket(day, [BasketRule(item=items["rice"], basis="household", quantity=3)], by=staff_user)
    scan_selectors._plans.entries[day.pk] = kept  # as in another worker process, which saw no signal
    answer = scan(day, code, volunteer_user)
    assert answer.status == 201
    assert [(line["item"], line["quantity"]) for line in answer.body["basket"]] == [(items["rice"].name, "3")]


def test_an_item_renamed_elsewhere_shows_within_plan_seconds(volunteer_user, monkeypatch):
    day, items = day_with_basket()
    codes = [household(day.programme)[2] for _ in range(3)]
    first = scan(day, codes[0], volunteer_user)
    rice = items["rice"]
    type(rice).objects.filter(pk=rice.pk).update(name_el="Ρύζι νέο", name_en="New rice")  # no signal
    assert rice.name in _basket_names(scan(day, codes[1], volunteer_user))  # the kept plan
    now = kept_module.time.monotonic()
    monkeypatch.setattr(kept_module.time, "monotonic", lambda: now + scan_selectors.PLAN_SECONDS + 1)
    renamed = _basket_names(scan(day, codes[2], volunteer_user))
    assert rice.name not in renamed and any(name in renamed for name in ("Ρύζι νέο", "New rice"))
    assert _basket_names(first) != renamed


def test_an_edit_saved_in_this_process_is_seen_by_its_next_scan(volunteer_user):
    day, items = day_with_basket()
    codes = [household(day.programme)[2] for _ in range(2)]
    scan(day, codes[0], volunteer_user)
    rice = items["rice"]
    rice.name_el, rice.name_en = "Ρύζι καστανό", "Brown rice"
    rice.save()
    assert any(name in _basket_names(scan(day, codes[1], volunteer_user)) for name in ("Ρύζι καστανό", "Brown rice"))


def test_a_deleted_day_is_a_bad_request_not_a_crash(volunteer_user):
    day, _items = day_with_basket()
    scan(day, "KC1-AAAAAAAAAAAAAAAA", volunteer_user)
    Scan.objects.filter(day=day).delete()
    kept = scan_selectors._plans.entries[day.pk]
    DistributionDay.objects.filter(pk=day.pk).delete()
    scan_selectors._plans.entries[day.pk] = kept
    with pytest.raises(ScanRequestError):
        scan(day, "not a card", volunteer_user)
    assert day.pk not in scan_selectors._plans.entries
