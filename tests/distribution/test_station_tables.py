"""A station is opened as one of the day's tables, chosen, not typed: "Τραπεζι 1" never becomes a second
station beside "Τραπέζι 1". Only a coordinator may name another table."""

from urllib.parse import parse_qs, urlparse

from django.urls import reverse

from distribution.models import DistributionDay
from tests.distribution.days_helpers import day_with_basket


def pick(client, day, station):
    return client.get(reverse("distribution:station_pick"), {"day": day.pk, "station": station})


def test_the_pick_page_offers_the_days_tables_as_buttons(volunteer_client):
    day, _items = day_with_basket()  # tables "Τραπέζι 1, Τραπέζι 2"
    html = volunteer_client.get(reverse("distribution:station_pick")).content.decode()
    for name in ["Τραπέζι 1", "Τραπέζι 2"]:
        assert f'name="station" value="{name}"' in html
    assert "Τραπέζι 3" not in html
    assert 'maxlength="60" required' not in html  # no free text for a volunteer


def test_a_typed_variant_becomes_the_days_own_name(volunteer_client):
    day, _items = day_with_basket()
    response = pick(volunteer_client, day, "ΤΡΑΠΈΖΙ 1")
    assert response.status_code == 302
    assert parse_qs(urlparse(response["Location"]).query)["station"] == ["Τραπέζι 1"]


def test_a_volunteer_cannot_open_a_table_the_day_does_not_list(volunteer_client):
    day, _items = day_with_basket()
    response = pick(volunteer_client, day, "Τραπεζι 1 ")  # no accent: another name
    assert response.status_code == 200
    assert "Επιλέξτε ένα από τα τραπέζια της ημέρας: Τραπέζι 1, Τραπέζι 2." in response.content.decode()
    # The station's address with a name of one's own goes back to the choice.
    station = volunteer_client.get(reverse("distribution:station", args=[day.pk]), {"station": "Τραπεζι 1"})
    assert station.status_code == 302 and station["Location"].startswith(reverse("distribution:station_pick"))


def test_a_coordinator_may_name_another_table(coordinator_client):
    day, _items = day_with_basket()
    html = coordinator_client.get(reverse("distribution:station_pick")).content.decode()
    assert 'maxlength="60" required' in html
    response = pick(coordinator_client, day, "Είσοδος")
    assert response.status_code == 302
    page = coordinator_client.get(response["Location"])
    assert page.status_code == 200 and "Είσοδος" in page.content.decode()


def test_a_day_without_tables_offers_numbered_ones(volunteer_client):
    day, _items = day_with_basket()
    DistributionDay.objects.filter(pk=day.pk).update(stations="")
    html = volunteer_client.get(reverse("distribution:station_pick")).content.decode()
    assert 'value="Τραπέζι 4"' in html
    assert pick(volunteer_client, day, "Τραπέζι 3").status_code == 302
