"""The station's name search is no way into the household register: only by POST, for a planned day,
on its date around its hours, and only what a table needs to match a family to its ID."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from distribution.models import DistributionDay
from tests.distribution.days_helpers import collector, day_with_basket, household, open_around_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    day, _items = day_with_basket()
    hh, _card, _qr = household(day.programme, first_name="Ορχάν", last_name="Μουσταφάς", phone="6945454545")
    reference = hh.members.get(is_reference=True)
    reference.father_name = "Ισμαήλ"
    reference.save()
    twin, _card, _qr = household(day.programme, first_name="Ορχάν", last_name="Μουσταφάς")
    other = twin.members.get(is_reference=True)
    other.father_name, other.birth_date = "Χασάν", other.birth_date.replace(year=1992)
    other.save()
    collector(hh, name="Κατερίνα Ιωαννίδου")
    return open_around_now(day)


def _search(client, day, q="Μουσταφάς", **extra):
    return client.post(reverse("distribution:station_search", args=[day.pk]), {"q": q, "station": "Τραπέζι 1"},
                       **extra)


def test_a_search_sent_before_htmx_loaded_gets_the_station_page_with_the_results(volunteer_client, day):
    response = volunteer_client.post(reverse("distribution:station_search", args=[day.pk]),
                                     {"q": "Μουσταφάς", "station": "Τραπέζι 1"})
    html = response.content.decode()
    assert response.status_code == 200 and "data-scan-station" in html
    assert html.count("Ορχάν Μουσταφάς") >= 2 and "data-record" in html
    assert '"station": "Τραπέζι 1"' in html.replace("&quot;", '"')  # the same table keeps scanning


def test_the_search_tells_two_namesakes_apart_and_shows_nothing_more(volunteer_client, day):
    html = _search(volunteer_client, day, HTTP_HX_REQUEST="true").content.decode()  # the results alone
    assert html.count("Ορχάν Μουσταφάς") >= 2
    assert "Ισμαήλ" in html and "Χασάν" in html and "1980" in html and "1992" in html
    assert "Κατερίνα Ιωαννίδου" in html  # the authorised collector's name, for the "collects" button
    for private in ["6945454545", "Ρωμανού", "σημειώσεις", "ΚΕΑ", "ΑΚ123456", "γειτόνισσα", "01/05/1980"]:
        assert private not in html


def test_the_search_answers_only_by_post(volunteer_client, day):
    response = volunteer_client.get(reverse("distribution:station_search", args=[day.pk]), {"q": "Μουσταφάς"})
    assert response.status_code == 405 and "Μουσταφάς" not in response.content.decode()


@pytest.mark.parametrize("change", [
    lambda d: setattr(d, "date", timezone.localdate() - timedelta(days=21)),  # a day three weeks past
    lambda d: setattr(d, "date", timezone.localdate() + timedelta(days=1)),   # tomorrow
    lambda d: setattr(d, "status", DistributionDay.Status.CLOSED),            # closed today
    lambda d: setattr(d, "status", DistributionDay.Status.CANCELLED),
])
def test_the_search_is_refused_outside_a_planned_day(volunteer_client, staff_client, day, change):
    change(day)
    day.save()
    for client in (volunteer_client, staff_client):
        response = _search(client, day)
        assert response.status_code == 403
        assert "Ορχάν" not in response.content.decode()
    assert not AuditLog.objects.filter(changes__has_key="station_search_results").exists()


def test_the_search_opens_two_hours_around_the_days_hours(volunteer_client, day):
    from distribution.views.station import search_is_open, search_window

    opens, closes = search_window(day)
    assert search_is_open(day, opens) and search_is_open(day, closes)
    assert not search_is_open(day, opens - timedelta(minutes=1))
    assert not search_is_open(day, closes + timedelta(minutes=1))


def test_a_closed_search_is_shown_in_the_page_by_htmx(volunteer_client, day):
    day.status = DistributionDay.Status.CLOSED
    day.save()
    response = _search(volunteer_client, day, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Ορχάν" not in response.content.decode()
    assert "προγραμματισμένη" in response.content.decode() or "planned" in response.content.decode()
