"""Posting the same form twice does it once: a one-time token per rendered form (core.once) where the
domain has no rule of its own, and the rule of one distribution day per date, site and programme."""

import re
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from core.models import FormSubmission
from core.once import new_token
from distribution.models import DistributionDay
from distribution.services.days import save_day
from inventory.models import StockLevel, StockMovement, Transfer
from tests.distribution.days_helpers import programme
from tests.factories import LocationFactory
from tests.inventory.factories import ItemFactory
from tests.inventory.helpers import d, stock
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def token_of(page: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def test_a_write_off_posted_twice_writes_off_once(staff_client):
    store, milk = LocationFactory(), ItemFactory(name_el="Γάλα")
    stock(milk, store, 10)
    level = StockLevel.objects.get(item=milk)
    url = reverse("inventory:write_off", args=[level.pk])
    data = {"quantity": "4", "reason": "damaged", "reason_text": "σπασμένα",
            "form_token": token_of(staff_client.get(url).content.decode())}
    first, second = staff_client.post(url, data), staff_client.post(url, data, follow=True)
    assert first.status_code == 302 and second.redirect_chain[0][0] == first.url
    assert "δεν έγινε δεύτερη φορά" in second.content.decode()
    assert StockLevel.objects.get(pk=level.pk).quantity == d(6)
    assert StockMovement.objects.filter(reason="damaged").count() == 1


def test_a_refused_write_off_keeps_its_token_for_the_corrected_form(staff_client):
    store, milk = LocationFactory(), ItemFactory(name_el="Γάλα")
    stock(milk, store, 3)
    level = StockLevel.objects.get(item=milk)
    url = reverse("inventory:write_off", args=[level.pk])
    token = token_of(staff_client.get(url).content.decode())
    refused = staff_client.post(url, {"quantity": "5", "reason": "damaged", "form_token": token})
    assert refused.status_code == 200 and token_of(refused.content.decode()) == token
    assert not FormSubmission.objects.exists()
    assert staff_client.post(url, {"quantity": "2", "reason": "damaged", "form_token": token}).status_code == 302
    assert StockLevel.objects.get(pk=level.pk).quantity == d(1)


def test_a_form_without_its_token_is_refused_with_a_message_and_a_fresh_token(staff_client):
    store, milk = LocationFactory(), ItemFactory(name_el="Γάλα")
    stock(milk, store, 3)
    level = StockLevel.objects.get(item=milk)
    url = reverse("inventory:write_off", args=[level.pk])
    response = staff_client.post(url, {"quantity": "1", "reason": "damaged"})
    page = response.content.decode()
    assert response.status_code == 200 and "Η φόρμα έληξε" in page and token_of(page)
    assert StockLevel.objects.get(pk=level.pk).quantity == d(3)


def test_a_transfer_posted_twice_moves_the_goods_once(staff_client):
    store, branch, rice = LocationFactory(), LocationFactory(), ItemFactory(name_el="Ρύζι")
    stock(rice, store, 10)
    url = reverse("inventory:transfer_new")
    data = {"from_location": store.pk, "to_location": branch.pk, "note": "", "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0", "lines-0-item": rice.pk, "lines-0-quantity": "4",
            "form_token": token_of(staff_client.get(url).content.decode())}
    first, second = staff_client.post(url, data), staff_client.post(url, data)
    assert first.status_code == second.status_code == 302 and second.url == first.url
    assert Transfer.objects.count() == 1
    assert StockLevel.objects.get(item=rice, location=branch).quantity == d(4)


def test_a_volunteer_application_sent_twice_is_registered_once(client):
    page = client.get(reverse("volunteers:apply")).content.decode()
    data = {"first_name": "Αϊσέ", "last_name": "Μουσταφά", "email": "aise@example.org", "phone": "6912345678",
            "language": "el", "consent": "on", "form_token": token_of(page)}
    first, second = client.post(reverse("volunteers:apply"), data), client.post(reverse("volunteers:apply"), data)
    assert first.status_code == second.status_code == 200
    assert "Ευχαριστούμε" in second.content.decode()
    assert Volunteer.objects.count() == 1


def test_old_spent_tokens_are_purged_and_a_form_that_old_is_refused_not_done_again(staff_client, settings,
                                                                                  monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    store, milk = LocationFactory(), ItemFactory(name_el="Γάλα")
    stock(milk, store, 10)
    level = StockLevel.objects.get(item=milk)
    url = reverse("inventory:write_off", args=[level.pk])
    data = {"quantity": "4", "reason": "damaged", "reason_text": "",
            "form_token": token_of(staff_client.get(url).content.decode())}
    assert staff_client.post(url, data).status_code == 302
    recent = FormSubmission.objects.create(token=new_token(), purpose="test")
    hours = settings.FORM_TOKEN_LIFETIME_HOURS
    week_later = timezone.now() + timedelta(hours=hours, minutes=5)
    FormSubmission.objects.filter(token=data["form_token"]).update(created_at=timezone.now() - timedelta(hours=hours,
                                                                                                     minutes=1))
    out = StringIO()
    call_command("purge_form_tokens", stdout=out)
    assert out.getvalue().startswith("1 spent form tokens older than")
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [recent.pk]  # the recent one is kept
    # The page of the purged token, posted again a lifetime later, is refused as expired: not done twice.
    import core.once

    monkeypatch.setattr(core.once.time, "time", week_later.timestamp)
    again = staff_client.post(url, data)
    monkeypatch.undo()
    assert again.status_code == 200 and "Η φόρμα έληξε" in again.content.decode()
    assert token_of(again.content.decode()) != data["form_token"]
    assert StockLevel.objects.get(pk=level.pk).quantity == d(6)


def day_data(location, prog, **extra):
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {"date": tomorrow.isoformat(), "location": location.pk, "programme": prog.pk, "starts_at": "09:00",
            "ends_at": "13:00", "stations": "", "notes": "", "basket-TOTAL_FORMS": "0", "basket-INITIAL_FORMS": "0",
            **extra}


def test_a_distribution_day_posted_twice_is_created_once_with_a_greek_message(staff_client):
    location, prog = LocationFactory(), programme()
    assert staff_client.post(reverse("distribution:day_new"), day_data(location, prog)).status_code == 302
    again = staff_client.post(reverse("distribution:day_new"), day_data(location, prog, starts_at="10:00"))
    assert again.status_code == 200
    assert "Υπάρχει ήδη ημέρα διανομής σε αυτή την ημερομηνία" in again.content.decode()
    assert DistributionDay.objects.count() == 1
    # another programme, another site, or after cancelling the first: allowed
    assert staff_client.post(reverse("distribution:day_new"), day_data(location, programme())).status_code == 302
    DistributionDay.objects.filter(programme=prog).update(status="cancelled")
    assert staff_client.post(reverse("distribution:day_new"), day_data(location, prog)).status_code == 302


def day_for(location, prog):
    return DistributionDay(date=timezone.localdate(), location=location, programme=prog, starts_at=time(9),
                           ends_at=time(13))


def test_the_rule_holds_in_the_service_and_in_the_database(staff_user):
    location, prog = LocationFactory(), programme()
    save_day(day_for(location, prog), by=staff_user)
    with translation.override("el"), pytest.raises(ValidationError) as caught:
        save_day(day_for(location, prog), by=staff_user)
    assert "Υπάρχει ήδη ημέρα διανομής" in " ".join(caught.value.messages)
    with pytest.raises(IntegrityError), transaction.atomic():
        day_for(location, prog).save()  # past the service: the database refuses it too
    assert DistributionDay.objects.count() == 1
