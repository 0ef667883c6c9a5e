"""The one confirmation step (core.confirm) before each action that cannot be undone: a GET (or a
POST from the page before) shows what will happen and changes nothing; only a POST carrying the
confirmation acts."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from distribution.models import Card, Collection, DistributionDay, SlotAssignment
from distribution.services.days import plan_slots
from distribution.services.scans import record_scan
from inventory import services as inventory_services
from inventory.models import Donation, Item, StockLevel, StockTake
from tests.distribution.days_helpers import day_with_basket, household
from tests.factories import LocationFactory
from tests.inventory.factories import DonorFactory, ItemFactory
from tests.inventory.helpers import stock
from tests.volunteers.factories import ShiftFactory, VolunteerFactory
from volunteers.models import Assignment
from volunteers.services import signups

pytestmark = pytest.mark.django_db


def confirmation_text(response) -> str:
    assert response.status_code == 200
    assert response.templates[0].name == "core/confirm.html"
    page = response.content.decode()
    assert 'name="confirmed" value="yes"' in page
    return page


def test_revoking_a_card_asks_first_and_keeps_the_chosen_reason(staff_client):
    hh, card, _code = household(first_name="Αϊσέ", last_name="Μουσταφά")
    url = reverse("distribution:card_revoke", args=[card.pk])
    page = confirmation_text(staff_client.get(url))
    assert "θα απορρίπτεται σε κάθε τραπέζι" in page and "Υπεύθυνο πρόσωπο: Αϊσέ Μουσταφά" in page
    # the household page's form posts the reason without the confirmation: asked again, nothing changes
    page = confirmation_text(staff_client.post(url, {"reason": "stolen", "reissue": "1"}))
    assert '<option value="stolen" selected>' in page and 'name="reissue" value="1"' in page
    assert "Θα ζητηθεί αμέσως νέα κάρτα" in page
    assert Card.objects.get(pk=card.pk).status == Card.Status.PRINTED
    response = staff_client.post(url, {"reason": "stolen", "reissue": "1", "confirmed": "yes"})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == Card.Status.REVOKED and card.revoke_reason == "stolen"
    assert card.replaced_by.status == Card.Status.REQUESTED


def test_posting_a_stocktake_says_what_changes(staff_client, staff_user):
    site = LocationFactory(name="Αποθήκη Κέντρου")
    oil = ItemFactory(name_el="Ελαιόλαδο", unit=Item.Unit.LITRE)
    stock(oil, site, 60)
    stocktake = inventory_services.start_stocktake(location=site, by=staff_user)
    inventory_services.add_count(stocktake, item=oil, quantity=Decimal(58), by=staff_user)
    url = reverse("inventory:stocktake_post", args=[stocktake.pk])
    for response in (staff_client.get(url), staff_client.post(url)):
        page = confirmation_text(response)
        assert "Ελαιόλαδο: 60 λίτρα → 58 λίτρα" in page and "για 1 είδος" in page
    assert StockTake.objects.get().is_open and StockLevel.objects.get(item=oil).quantity == 60
    staff_client.post(url, {"confirmed": "yes"})
    assert not StockTake.objects.get().is_open and StockLevel.objects.get(item=oil).quantity == 58


def test_receiving_a_donation_lists_the_goods_first(staff_client):
    store = LocationFactory(name="Αποθήκη Κέντρου")
    milk = ItemFactory(name_el="Γάλα εβαπορέ", unit=Item.Unit.PACK)
    donation = Donation.objects.create(donor=DonorFactory(name="Σούπερ Μάρκετ Δράμας"), location=store)
    donation.lines.create(item=milk, quantity=Decimal(50))
    url = reverse("inventory:donation_receive", args=[donation.pk])
    page = confirmation_text(staff_client.get(url))
    assert "Γάλα εβαπορέ: 50 συσκευασίες" in page and "1 γραμμή μπαίνει στο απόθεμα" in page
    confirmation_text(staff_client.post(url))
    assert Donation.objects.get().is_draft and not StockLevel.objects.exists()
    staff_client.post(url, {"confirmed": "yes"})
    assert not Donation.objects.get().is_draft and StockLevel.objects.get().quantity == 50


def test_cancelling_a_collection_names_the_goods_and_needs_a_reason(staff_client, volunteer_user):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme, size=2)
    record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer_user)
    collection = Collection.objects.get()
    url = reverse("distribution:collection_cancel", args=[collection.pk])
    page = confirmation_text(staff_client.get(url))
    assert "Επιστρέφουν στο απόθεμα: Ρύζι 1 kg: 2 συσκευασίες, Σαπούνι: 2 τεμάχια." in page
    assert staff_client.post(url, {"reason": "", "confirmed": "yes"}).status_code == 200
    assert not Collection.objects.get().is_cancelled
    staff_client.post(url, {"reason": "Λάθος οικογένεια", "confirmed": "yes"})
    assert Collection.objects.get().is_cancelled


def test_closing_a_day_says_how_many_households_are_still_expected(staff_client, volunteer_user):
    day, _items = day_with_basket()
    codes = [household(day.programme)[2] for _ in range(3)]
    record_scan(day_id=day.pk, code=codes[0], station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer_user)
    url = reverse("distribution:day_close", args=[day.pk])
    page = confirmation_text(staff_client.get(url))
    assert "2 νοικοκυριά αναμένονται ακόμη και δεν έχουν παραλάβει." in page
    assert "1 νοικοκυριό παρέλαβε ως τώρα." in page
    assert DistributionDay.objects.get().status == "planned"
    staff_client.post(url, {"confirmed": "yes"})
    assert DistributionDay.objects.get().status == "closed"
    # opening it again needs no confirmation
    staff_client.post(reverse("distribution:day_status", args=[day.pk]), {"status": "planned"})
    assert DistributionDay.objects.get().status == "planned"


def test_cancelling_a_day_is_apart_from_closing_and_counts_who_was_told(staff_client, staff_user):
    day, _items = day_with_basket(on=timezone.localdate() + timedelta(days=3))
    for _ in range(2):
        household(day.programme)
    plan_slots(day, minutes=60, by=staff_user)
    SlotAssignment.objects.filter(day=day).update(notified_at=timezone.now())
    detail = staff_client.get(reverse("distribution:day", args=[day.pk])).content.decode()
    close_at, cancel_at = detail.index('data-testid="day-close"'), detail.index('data-testid="day-cancel"')
    assert detail.index('class="danger-zone"') > close_at and cancel_at > detail.index('class="danger-zone"')
    url = reverse("distribution:day_cancel", args=[day.pk])
    page = confirmation_text(staff_client.get(url))
    assert "2 νοικοκυριά έλαβαν την ώρα προσέλευσής τους" in page
    # the old one-click form (status=cancelled to the status address) no longer cancels
    staff_client.post(reverse("distribution:day_status", args=[day.pk]), {"status": "cancelled"})
    assert DistributionDay.objects.get().status == "planned"
    staff_client.post(url, {"confirmed": "yes"})
    assert DistributionDay.objects.get().status == "cancelled"


def test_leaving_a_shift_asks_first(client):
    volunteer = VolunteerFactory()
    shift = ShiftFactory(starts_at=timezone.now() + timedelta(hours=5))
    signups.take_shift(volunteer, shift)
    client.force_login(volunteer.user)
    url = reverse("volunteers:my_shift_action", args=[shift.pk, "leave"])
    for response in (client.get(url), client.post(url)):
        page = confirmation_text(response)
        assert "Ξεκινά σε λιγότερο από μία ημέρα" in page
    assert Assignment.objects.get().status == "confirmed"
    client.post(url, {"confirmed": "yes"})
    assert Assignment.objects.get().status == "cancelled"


def test_the_confirmation_is_refused_to_those_who_may_not_act(client, volunteer_user):
    hh, card, _code = household()
    client.force_login(volunteer_user)
    assert client.get(reverse("distribution:card_revoke", args=[card.pk])).status_code == 403
    assert client.post(reverse("distribution:card_revoke", args=[card.pk]),
                       {"reason": "lost", "confirmed": "yes"}).status_code == 403
    assert Card.objects.get(pk=card.pk).status == Card.Status.PRINTED


def test_day_page_and_live_view_give_one_expected_figure(staff_client, volunteer_user):
    day, _items = day_with_basket()
    codes = [household(day.programme)[2] for _ in range(3)]
    record_scan(day_id=day.pk, code=codes[0], station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=volunteer_user)
    page = staff_client.get(reverse("distribution:day", args=[day.pk])).content.decode()
    assert "Αναμένονται: 3 νοικοκυριά" in page and "Απομένουν: 2 νοικοκυριά" in page
    panel = staff_client.get(reverse("distribution:day_live_panel", args=[day.pk])).content.decode()
    assert 'data-figure="expected">3<' in panel


def test_a_volunteer_signed_in_by_link_sets_a_password_without_an_old_one(client):
    volunteer = VolunteerFactory()
    volunteer.user.set_unusable_password()
    volunteer.user.save()
    client.force_login(volunteer.user)
    page = client.get(reverse("password_change")).content.decode()
    assert 'name="old_password"' not in page and 'name="new_password1"' in page and "Ορισμός κωδικού" in page
    response = client.post(reverse("password_change"), {"new_password1": "ένας-μακρύς-κωδικός-42",
                                                         "new_password2": "ένας-μακρύς-κωδικός-42"})
    assert response.status_code == 302
    volunteer.user.refresh_from_db()
    assert volunteer.user.check_password("ένας-μακρύς-κωδικός-42")
    page = client.get(reverse("password_change")).content.decode()
    assert 'name="old_password"' in page, "from then on, the usual form"
