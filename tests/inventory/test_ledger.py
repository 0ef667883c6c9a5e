"""The stock ledger and the contract distribution relies on: take_out, reverse_movements,
available_by_item, InsufficientStock; levels never negative; the ledger is append-only."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from inventory import selectors, services
from inventory.models import StockLevel, StockMovement, Transfer
from inventory.services import InsufficientStock, reverse_movements, take_out
from tests.factories import LocationFactory, UserFactory

from .factories import ItemFactory, NonFoodItemFactory
from .helpers import d, day, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return LocationFactory(name="Αποθήκη")


def levels_of(item, location):
    return {(lv.lot, lv.expiry_date): lv.quantity for lv in StockLevel.objects.filter(item=item, location=location)}


def test_take_out_picks_the_earliest_expiry_first_and_undated_lots_last(store, staff_user):
    rice = ItemFactory()
    stock(rice, store, 5, lot="L-late", expiry=day("2027-06-30"))
    stock(rice, store, 4, lot="L-none")
    stock(rice, store, 3, lot="L-early", expiry=day("2027-01-31"))
    moved = take_out(location=store, lines=[(rice, 9)], by=staff_user, document_type="distribution.collection",
                     document_id="77")
    assert [(m.lot, m.quantity) for m in moved] == [("L-early", d(-3)), ("L-late", d(-5)), ("L-none", d(-1))]
    assert all(m.reason == StockMovement.Reason.DISTRIBUTED and m.by == staff_user for m in moved)
    assert {(m.document_type, m.document_id, m.document_key) for m in moved} == {("distribution.collection", "77", 77)}
    assert levels_of(rice, store) == {("L-late", day("2027-06-30")): d(0), ("L-none", None): d(3),
                                      ("L-early", day("2027-01-31")): d(0)}
    assert selectors.available_by_item(store, [rice]) == {rice.pk: d(3)}
    assert selectors.stock_differences() == []


@pytest.mark.parametrize("reference, key", [("42", 42), ("0042", 42), ("123456789012345678", 123456789012345678),
                                            ("1234567890123456789", None), ("", None), ("B-7", None), ("-5", None),
                                            ("4 2", None), ("٤٢", None), ("42a", None)])
def test_a_ledger_row_has_its_document_as_a_number_only_when_it_is_one(store, staff_user, reference, key):
    rice = ItemFactory()
    stock(rice, store, 5)
    moved = take_out(location=store, lines=[(rice, 1)], by=staff_user, document_type="x", document_id=reference)
    assert moved[0].document_key == key
    assert StockMovement.objects.get(pk=moved[0].pk).document_key == key
    assert list(StockMovement.objects.filter(document_type="x", document_key__isnull=key is None)) == [moved[0]]


def test_take_out_refuses_as_a_whole_and_writes_nothing(store, staff_user):
    rice, soap, milk = ItemFactory(), NonFoodItemFactory(), ItemFactory(name_el="Γάλα", name_en="Milk")
    stock(rice, store, 10, expiry=day("2027-01-01"))
    stock(soap, store, 2)
    before_levels = list(StockLevel.objects.values_list("pk", "quantity").order_by("pk"))
    before_count = StockMovement.objects.count()
    with pytest.raises(InsufficientStock) as refused:
        take_out(location=store, lines=[(rice, 4), (soap, 3), (milk, 1)], by=staff_user)
    assert refused.value.shortages == [(soap, d(3), d(2)), (milk, d(1), d(0))]
    assert StockMovement.objects.count() == before_count
    assert list(StockLevel.objects.values_list("pk", "quantity").order_by("pk")) == before_levels
    with translation.override("el"):
        message = str(refused.value)
    assert "Δεν υπάρχει αρκετό απόθεμα" in message and "Αποθήκη" in message
    assert soap.name_el in message and "ζητήθηκαν 3" in message and "υπάρχουν 2" in message


def test_a_refusal_leaves_the_callers_transaction_usable(store, staff_user):
    rice = ItemFactory()
    stock(rice, store, 1)
    with transaction.atomic():
        with pytest.raises(InsufficientStock):
            take_out(location=store, lines=[(rice, 2)], by=staff_user)
        # The caller (a distribution scan) goes on in the same transaction, e.g. to record the refusal.
        assert take_out(location=store, lines=[(rice, 1)], by=staff_user)[0].quantity == d(-1)


@pytest.mark.parametrize("line_count", [1, 3, 25])
def test_take_out_runs_in_at_most_three_queries_whatever_the_number_of_lines(
        store, staff_user, django_assert_max_num_queries, line_count):
    items = [ItemFactory() for _ in range(line_count)]
    for item in items:
        stock(item, store, 5, lot="A", expiry=day("2027-01-01"))
        stock(item, store, 5, lot="B", expiry=day("2027-02-01"))
    lines = [(item, 7) for item in items]  # two lots per item
    with django_assert_max_num_queries(3):
        moved = take_out(location=store, lines=lines, by=staff_user)
    assert len(moved) == 2 * line_count
    assert all(m.pk for m in moved), "the movements come back saved"
    assert selectors.available_by_item(store, items) == {item.pk: d(3) for item in items}


def test_take_out_merges_lines_of_the_same_item_and_checks_its_arguments(store, staff_user):
    rice = ItemFactory()
    stock(rice, store, 5)
    moved = take_out(location=store, lines=[(rice, 2), (rice, Decimal("1.5"))], by=staff_user)
    assert sum(m.quantity for m in moved) == d("-3.5")
    with pytest.raises(ValueError, match="μεγαλύτερη από μηδέν"):
        take_out(location=store, lines=[(rice, 0)], by=staff_user)
    with pytest.raises(ValueError, match="μεγαλύτερη από μηδέν"):
        take_out(location=store, lines=[(rice, -1)], by=staff_user)
    with pytest.raises(ValueError):
        take_out(location=store, lines=[(rice, 1)], by=staff_user, reason=StockMovement.Reason.RECEIVED)
    assert take_out(location=store, lines=[], by=staff_user) == []


def test_take_out_only_takes_from_its_location(store, staff_user):
    rice = ItemFactory()
    branch = LocationFactory(name="Παράρτημα")
    stock(rice, branch, 10)
    with pytest.raises(InsufficientStock):
        take_out(location=store, lines=[(rice, 1)], by=staff_user)


def test_reverse_movements_puts_goods_back_with_new_rows(store, staff_user):
    rice = ItemFactory()
    stock(rice, store, 3, lot="A", expiry=day("2027-01-01"))
    stock(rice, store, 3, lot="B", expiry=day("2027-03-01"))
    taken = take_out(location=store, lines=[(rice, 4)], by=staff_user, document_type="distribution.collection",
                     document_id="5")
    originals = [(m.pk, m.quantity, m.lot) for m in taken]
    back = reverse_movements(taken, by=staff_user, reason_text="Λάθος σάρωση")
    assert [(m.reason, m.quantity, m.lot, m.reverses_id) for m in back] == [
        (StockMovement.Reason.CORRECTION, d(3), "A", taken[0].pk),
        (StockMovement.Reason.CORRECTION, d(1), "B", taken[1].pk)]
    assert all(m.document_id == "5" and m.reason_text == "Λάθος σάρωση" for m in back)
    assert [(m.pk, m.quantity, m.lot) for m in StockMovement.objects.filter(pk__in=[p for p, _q, _l in originals])
            .order_by("pk")] == originals, "the old rows are untouched"
    assert selectors.available_by_item(store, [rice])[rice.pk] == d(6)
    with pytest.raises(ValidationError):
        reverse_movements(taken, by=staff_user, reason_text="ξανά")
    with pytest.raises(ValidationError):
        reverse_movements(taken[:1], by=staff_user, reason_text="  ")
    assert selectors.stock_differences() == []


def test_the_database_refuses_a_second_reversal(store, staff_user):
    rice = ItemFactory()
    stock(rice, store, 3)
    (taken,) = take_out(location=store, lines=[(rice, 1)], by=staff_user)
    reverse_movements([taken], by=staff_user, reason_text="λάθος")
    with pytest.raises(IntegrityError), transaction.atomic():
        StockMovement.objects.create(reason=StockMovement.Reason.CORRECTION, item=rice, location=store,
                                     quantity=d(1), reverses=taken)


def test_reversing_a_receipt_whose_goods_are_gone_is_refused(store, staff_user):
    rice = ItemFactory()
    received = stock(rice, store, 2)
    take_out(location=store, lines=[(rice, 2)], by=staff_user)
    with pytest.raises(InsufficientStock):
        reverse_movements([received], by=staff_user, reason_text="διπλή καταχώριση")
    assert not StockMovement.objects.filter(reason=StockMovement.Reason.CORRECTION).exists()


def test_the_database_never_holds_a_negative_level(store):
    rice = ItemFactory()
    stock(rice, store, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(item=rice).update(quantity=d(-1))


def test_ledger_rows_are_never_edited_or_deleted(store, staff_user):
    rice = ItemFactory()
    movement = stock(rice, store, 1)
    movement.quantity = d(5)
    with pytest.raises(TypeError):
        movement.save()
    with pytest.raises(TypeError):
        movement.delete()
    with pytest.raises(TypeError):
        StockMovement.objects.filter(pk=movement.pk).update(quantity=d(5))
    with pytest.raises(TypeError):
        StockMovement.objects.filter(pk=movement.pk).delete()


def test_the_database_checks_movement_quantities(store):
    rice = ItemFactory()
    for reason, quantity in [(StockMovement.Reason.RECEIVED, 0), (StockMovement.Reason.RECEIVED, -1),
                             (StockMovement.Reason.DISTRIBUTED, 1), (StockMovement.Reason.EXPIRED, 2)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            StockMovement.objects.create(reason=reason, item=rice, location=store, quantity=d(quantity))


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_and_delete_of_ledger_rows(on_postgres, store):
    rice = ItemFactory()
    movement = stock(rice, store, 1)
    for sql in ("UPDATE inventory_stockmovement SET quantity = 5 WHERE id = %s",
                "DELETE FROM inventory_stockmovement WHERE id = %s"):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [movement.pk])


def test_check_stock_finds_no_difference_then_reports_a_tampered_level(store, staff_user, capsys):
    rice, soap = ItemFactory(name_el="Ρύζι"), NonFoodItemFactory()
    stock(rice, store, 5, expiry=day("2027-01-01"))
    stock(soap, store, 3)
    take_out(location=store, lines=[(rice, 2), (soap, 1)], by=staff_user)
    call_command("check_stock")
    assert "0" in capsys.readouterr().out
    StockLevel.objects.filter(item=rice).update(quantity=d(9))  # someone writes behind the ledger's back
    with pytest.raises(CommandError):
        call_command("check_stock")
    out = capsys.readouterr().out
    assert "Ρύζι" in out and "9" in out and "3" in out


def test_a_failing_stock_check_in_the_worker_emails_the_coordinators_once_a_day(store, mailoutbox):
    from core.tasks import run_command

    coordinator = UserFactory(role="coordinator", username="syntonistria", email="syntonistria@example.org")
    UserFactory(role="staff", username="ypallilos", email="ypallilos@example.org")
    rice = ItemFactory(name_el="Ρύζι")
    stock(rice, store, 5)
    StockLevel.objects.filter(item=rice).update(quantity=d(9))
    for _run in range(2):  # the job fails again the same day: one e-mail, the task fails each time
        with pytest.raises(CommandError):
            run_command.call("check_stock", [])
    sent = [message for message in mailoutbox if "check_stock" in message.subject]
    assert [message.to for message in sent] == [[coordinator.email]]
    assert "Ρύζι" in sent[0].body and "9" in sent[0].body


def test_transfer_moves_lots_with_their_expiry_earliest_first(store, staff_user):
    branch = LocationFactory(name="Παράρτημα Ρομά")
    rice, soap = ItemFactory(), NonFoodItemFactory()
    stock(rice, store, 4, lot="A", expiry=day("2027-05-01"))
    stock(rice, store, 4, lot="B", expiry=day("2027-02-01"))
    stock(soap, store, 10)
    transfer = services.transfer_stock(from_location=store, to_location=branch, lines=[(rice, 6), (soap, 10)],
                                       by=staff_user, note="για τη διανομή της Πέμπτης")
    assert levels_of(rice, branch) == {("B", day("2027-02-01")): d(4), ("A", day("2027-05-01")): d(2)}
    assert levels_of(rice, store)[("A", day("2027-05-01"))] == d(2)
    assert selectors.available_by_item(branch, [soap]) == {soap.pk: d(10)}
    rows = StockMovement.objects.filter(document_type="inventory.transfer", document_id=str(transfer.pk))
    assert sum(m.quantity for m in rows) == 0
    assert rows.filter(reason=StockMovement.Reason.TRANSFERRED_OUT, location=store).count() == 3
    assert selectors.stock_differences() == []


def test_transfer_refuses_when_short_and_leaves_no_trace(store, staff_user):
    branch = LocationFactory(name="Παράρτημα Ρομά")
    rice = ItemFactory()
    stock(rice, store, 1)
    with pytest.raises(InsufficientStock):
        services.transfer_stock(from_location=store, to_location=branch, lines=[(rice, 2)], by=staff_user)
    assert not Transfer.objects.exists()
    assert StockMovement.objects.count() == 1
    with pytest.raises(ValidationError):
        services.transfer_stock(from_location=store, to_location=store, lines=[(rice, 1)], by=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(from_location=store, to_location=store)


def test_write_off_takes_one_lot_and_needs_a_reason_for_other(store, staff_user):
    milk = ItemFactory(name_el="Γάλα")
    stock(milk, store, 5, lot="OLD", expiry=day("2025-01-01"))
    stock(milk, store, 5, lot="NEW", expiry=day("2027-01-01"))
    new = StockLevel.objects.get(item=milk, lot="NEW")
    movement = services.write_off(level=new, quantity=2, reason=StockMovement.Reason.DAMAGED,
                                  reason_text="σκισμένα κουτιά", by=staff_user)
    assert (movement.quantity, movement.lot, movement.reason_text) == (d(-2), "NEW", "σκισμένα κουτιά")
    with pytest.raises(InsufficientStock):
        services.write_off(level=new, quantity=4, reason=StockMovement.Reason.EXPIRED, by=staff_user)
    with pytest.raises(ValidationError):
        services.write_off(level=new, quantity=1, reason=StockMovement.Reason.WRITTEN_OFF, reason_text="",
                           by=staff_user)
    assert levels_of(milk, store) == {("OLD", day("2025-01-01")): d(5), ("NEW", day("2027-01-01")): d(3)}


def test_reports_give_kg_and_euros_by_reason_with_corrections_folded_in(store, staff_user):
    from django.utils import timezone

    rice = ItemFactory(weight_kg=d("0.5"), unit_value_eur=d("1.20"), food_group="starch")
    oil = ItemFactory(weight_kg=d("0.92"), unit_value_eur=d("4.50"), food_group="fats")
    soap = NonFoodItemFactory(weight_kg=d("0.1"), unit_value_eur=d("0.80"))
    for item in (rice, oil, soap):
        stock(item, store, 20)
    taken = take_out(location=store, lines=[(rice, 10), (oil, 2), (soap, 5)], by=staff_user)
    reverse_movements([m for m in taken if m.item == rice], by=staff_user, reason_text="επιστροφή")
    rice.weight_kg = d("99")  # a later edit of the item does not rewrite the past
    rice.save()
    today = timezone.localdate()
    distributed = selectors.distributed_totals(today, today)
    assert distributed["food"].kg == d("1.84") and distributed["food"].eur == d("9.00")
    assert distributed["non_food"].quantity == d(5) and distributed["non_food"].eur == d("4.00")
    assert distributed["food_groups"]["fats"].kg == d("1.84")
    totals = selectors.movement_totals(today, today, store)
    assert totals["received"].quantity == d(60)
    assert totals["distributed"].quantity == d(-7) and totals["distributed"].kg == d("-2.34")
    report = selectors.movement_report(today, today, store)
    by_item = {row["item_id"]: row for row in report["rows"]}
    assert by_item[rice.pk]["distributed"] == d(0) and by_item[rice.pk]["received"] == d(20)
    assert by_item[oil.pk]["eur_out"] == d("9.00")
    assert report["totals"]["kg_out"] == d("2.34")
    other = LocationFactory(name="Άλλος χώρος")
    assert selectors.movement_totals(today, today, other) == {}


def test_movement_report_counts_transfers_only_for_one_location(store, staff_user):
    from django.utils import timezone

    branch = LocationFactory(name="Παράρτημα Ρομά")
    rice = ItemFactory(weight_kg=d(1), unit_value_eur=d(2))
    stock(rice, store, 10)
    services.transfer_stock(from_location=store, to_location=branch, lines=[(rice, 4)], by=staff_user)
    take_out(location=branch, lines=[(rice, 1)], by=staff_user)
    today = timezone.localdate()
    everywhere = selectors.movement_report(today, today)["totals"]
    assert (everywhere["kg_in"], everywhere["kg_out"], everywhere["eur_out"]) == (d(10), d(1), d(2))
    at_branch = selectors.movement_report(today, today, branch)
    assert (at_branch["totals"]["kg_in"], at_branch["totals"]["kg_out"]) == (d(4), d(1))
    (row,) = at_branch["rows"]
    assert (row["transferred_in"], row["distributed"], row["net"]) == (d(4), d(1), d(3))
    assert row["unit_label"] == "συσκευασία"


def test_one_level_row_per_lot_and_services_are_audited(store, staff_user):
    from core.models import AuditLog

    soap = NonFoodItemFactory()
    stock(soap, store, 2)
    stock(soap, store, 3)
    assert StockLevel.objects.filter(item=soap).count() == 1
    level = StockLevel.objects.get(item=soap)
    assert level.quantity == d(5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.create(item=soap, location=store, lot="", expiry_date=None)
    services.write_off(level=level, quantity=1, reason=StockMovement.Reason.DAMAGED, by=staff_user)
    branch = LocationFactory(name="Παράρτημα")
    transfer = services.transfer_stock(from_location=store, to_location=branch, lines=[(soap, 1)], by=staff_user)
    logged = set(AuditLog.objects.filter(user=staff_user).values_list("content_type__model", "object_id"))
    assert ("transfer", str(transfer.pk)) in logged
    assert any(model == "stockmovement" for model, _id in logged)


@pytest.mark.postgres
def test_on_postgresql_the_one_statement_take_out_allocates_like_the_locking_one(on_postgres, store, staff_user):
    """take_out runs as one statement on PostgreSQL (inventory.services.stock); on random lots it
    must take exactly what the three-step way takes, and refuse exactly when it refuses; both record
    the document, and the database gives its number (document_key) to the rows and to what they return."""
    import random

    from inventory.services import stock as stock_service

    rng = random.Random(20261129)  # noqa: S311 - test data
    items = [ItemFactory() for _ in range(3)]
    expiries = [None, day("2027-01-31"), day("2027-03-31"), day("2027-03-31"), day("2028-12-31")]
    for item in items:
        for n in range(rng.randint(1, 5)):
            stock(item, store, rng.choice([1, 2, 3, Decimal("2.5"), 10]), lot=f"L{n}", expiry=rng.choice(expiries))

    def outcome(take):
        sid = transaction.savepoint()
        try:
            moved = take()
            stored = dict(StockMovement.objects.filter(pk__in=[m.pk for m in moved])
                          .values_list("pk", "document_key"))
            assert [m.document_key for m in moved] == [stored[m.pk] for m in moved]
            result = ("taken", [(m.item_id, m.lot, m.expiry_date, m.quantity, m.document_type, m.document_id,
                                 m.document_key) for m in moved],
                      sorted(StockLevel.objects.values_list("item_id", "lot", "quantity")))
        except InsufficientStock as refused:
            result = ("short", [(item.pk, wanted, have) for item, wanted, have in refused.shortages], [])
        transaction.savepoint_rollback(sid)
        return result

    kinds, keys = set(), set()
    for case in range(60):
        lines = {item.pk: (item, d(rng.choice([1, 2, 3, Decimal("0.5"), 7, 12, 30]))) for item in
                 rng.sample(items, rng.randint(1, 3))}
        # A collection's number, a reference that is not a number, or none.
        document = {"document_type": "distribution.collection", "document_id": str(900 + case)} if case % 3 else \
            {"document_type": "demo.basket", "document_id": f"B-{case}" if case % 2 else ""}
        fields = {"by": staff_user, "reason": StockMovement.Reason.DISTRIBUTED, "reason_text": "", **document}
        one = outcome(lambda lines=lines, fields=fields: stock_service._take_out_in_one_statement(
            store, lines, **fields) or stock_service._take_out_locking(store, lines, **fields))
        locking = outcome(lambda lines=lines, fields=fields: stock_service._take_out_locking(store, lines, **fields))
        assert one == locking, lines
        kinds.add(one[0])
        keys |= {row[-1] for row in one[1]} if one[0] == "taken" else set()
    assert kinds == {"taken", "short"}  # the cases covered both
    assert None in keys and keys - {None} <= set(range(900, 960)) and len(keys) > 10
