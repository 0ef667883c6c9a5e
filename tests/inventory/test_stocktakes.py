"""Stock-takes: several people count, staff review the differences, posting adjusts in one go."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from inventory import counting, selectors, services
from inventory.models import StockLevel, StockMovement, StockTake
from tests.factories import LocationFactory, UserFactory

from .factories import ItemFactory, NonFoodItemFactory
from .helpers import d, day, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return LocationFactory(name="Κέντρο Κοινότητας")


def levels(item, location):
    return {(lv.lot, lv.expiry_date): lv.quantity for lv in StockLevel.objects.filter(item=item, location=location)}


def test_counts_of_a_bare_item_go_to_the_latest_lots_first(site):
    class Count:
        def __init__(self, item_id, quantity, lot="", expiry_date=None):
            self.item_id, self.quantity, self.lot, self.expiry_date = item_id, d(quantity), lot, expiry_date

    class Level:
        def __init__(self, lot, expiry_date, quantity):
            self.item_id, self.lot, self.expiry_date, self.quantity = 1, lot, expiry_date, d(quantity)

    have = [Level("A", day("2027-01-01"), 10), Level("B", day("2027-06-01"), 10), Level("", None, 5)]
    targets = {(t.lot, t.expiry_date): t.target for t in counting.plan([Count(1, 12)], have)}
    assert targets == {("", None): d(5), ("B", day("2027-06-01")): d(7), ("A", day("2027-01-01")): d(0)}
    targets = {(t.lot, t.expiry_date): t.target for t in counting.plan([Count(1, 30)], have)}
    assert targets[("", None)] == d(10), "a surplus goes to the latest (undated) lot"
    explicit = counting.plan([Count(1, 4, expiry_date=day("2027-01-01"), lot="A"), Count(1, 3)], have)
    assert {(t.lot, t.target) for t in explicit} == {("A", d(4)), ("", d(3)), ("B", d(0))}
    new_lot = counting.plan([Count(2, 6, expiry_date=day("2028-01-01"))], [])
    assert [(t.lot, t.expiry_date, t.current, t.target) for t in new_lot] == [("", day("2028-01-01"), 0, d(6))]


def test_several_counters_then_post_in_one_go(site, staff_user):
    volunteer = UserFactory(username="eleni", role="volunteer")
    rice, soap, oil = ItemFactory(name_el="Ρύζι"), NonFoodItemFactory(name_el="Σαπούνι"), ItemFactory(name_el="Λάδι")
    stock(rice, site, 10, lot="R1", expiry=day("2027-01-01"))
    stock(rice, site, 10, lot="R2", expiry=day("2027-05-01"))
    stock(soap, site, 20)
    stock(oil, site, 7, expiry=day("2027-03-01"))
    stocktake = services.start_stocktake(location=site, by=staff_user)
    services.add_count(stocktake, item=rice, quantity=d(8), shelf="Α", by=staff_user)
    services.add_count(stocktake, item=rice, quantity=d(6), shelf="Β", by=volunteer)
    services.add_count(stocktake, item=soap, quantity=d(22), shelf="Γ", by=volunteer)
    review = selectors.stocktake_review(stocktake)
    by_item = {row.item.name_el: (row.expected, row.counted, row.difference) for row in review["rows"]}
    assert by_item == {"Ρύζι": (d(20), d(14), d(-6)), "Σαπούνι": (d(20), d(22), d(2))}
    assert [u["item__name_el"] for u in review["uncounted"]] == ["Λάδι"]
    moved = services.post_stocktake(stocktake, by=staff_user)
    assert sorted((m.item.name_el, m.lot, m.quantity) for m in moved) == [
        ("Ρύζι", "R1", d(-6)), ("Σαπούνι", "", d(2))]
    assert all(m.reason == StockMovement.Reason.COUNTED and m.document_id == str(stocktake.pk) for m in moved)
    assert levels(rice, site) == {("R1", day("2027-01-01")): d(4), ("R2", day("2027-05-01")): d(10)}
    assert levels(oil, site) == {("", day("2027-03-01")): d(7)}, "nobody counted the oil: it stays"
    assert selectors.stock_differences() == []
    with pytest.raises(ValidationError):
        services.post_stocktake(stocktake, by=staff_user)
    with pytest.raises(ValidationError):
        services.add_count(stocktake, item=rice, quantity=d(1), by=staff_user)


def test_one_open_stocktake_per_location(site, staff_user):
    services.start_stocktake(location=site, by=staff_user)
    with pytest.raises(ValidationError, match="ήδη ανοιχτή"):
        services.start_stocktake(location=site, by=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockTake.objects.create(location=site)
    services.start_stocktake(location=LocationFactory(name="Άλλος"), by=staff_user)


def test_posting_nothing_counted_is_refused_and_cancel_changes_no_stock(site, staff_user):
    rice = ItemFactory()
    stock(rice, site, 5)
    stocktake = services.start_stocktake(location=site, by=staff_user)
    with pytest.raises(ValidationError):
        services.post_stocktake(stocktake, by=staff_user)
    services.add_count(stocktake, item=rice, quantity=d(0), by=staff_user)
    services.cancel_stocktake(stocktake, by=staff_user)
    assert levels(rice, site) == {("", None): d(5)}
    with pytest.raises(ValidationError):
        services.post_stocktake(stocktake, by=staff_user)


def test_stocktake_pages_volunteer_counts_staff_reviews_and_posts(client, site, staff_user, volunteer_user):
    rice = ItemFactory(name_el="Ρύζι Καρολίνα")
    stock(rice, site, 10)
    client.force_login(staff_user)
    response = client.post(reverse("inventory:stocktake_new"), {"location": site.pk, "note": "μηνιαία"})
    stocktake = StockTake.objects.get()
    assert response.url == reverse("inventory:stocktake", args=[stocktake.pk])
    client.force_login(volunteer_user)
    assert client.get(reverse("inventory:stocktakes")).status_code == 200
    page = client.get(reverse("inventory:stocktake", args=[stocktake.pk]), {"code": "karolina"})
    assert page.context["item"] == rice, "a typed name that matches one item selects it"
    response = client.post(reverse("inventory:count_add", args=[stocktake.pk]),
                           {"item": rice.pk, "quantity": "9", "shelf": "Α1"})
    assert response.status_code == 302
    assert client.get(reverse("inventory:stocktake_review", args=[stocktake.pk])).status_code == 403
    assert client.post(reverse("inventory:stocktake_post", args=[stocktake.pk])).status_code == 403
    client.force_login(staff_user)
    review = client.get(reverse("inventory:stocktake_review", args=[stocktake.pk]))
    assert "Ρύζι Καρολίνα" in review.content.decode() and review.context["changes"] == 1
    response = client.post(reverse("inventory:stocktake_post", args=[stocktake.pk]), {"confirmed": "yes"}, follow=True)
    assert "Η απογραφή καταχωρίστηκε: 1 διορθώσεις" in response.content.decode()
    assert levels(rice, site) == {("", None): d(9)}


def test_a_bad_count_keeps_the_item_on_screen_with_a_greek_message(staff_client, site, staff_user):
    rice = ItemFactory(name_el="Ρύζι Καρολίνα")
    stocktake = services.start_stocktake(location=site, by=staff_user)
    response = staff_client.post(reverse("inventory:count_add", args=[stocktake.pk]),
                                 {"item": rice.pk, "quantity": "-2"})
    assert response.status_code == 200 and response.context["item"] == rice
    assert "Ρύζι Καρολίνα" in response.content.decode() and "μεγαλύτερη ή ίση" in response.content.decode()
    assert not stocktake.counts.exists()
