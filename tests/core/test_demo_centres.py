"""`manage.py load_demo` gives each of its three centres its own data: the full demo in Drama, a small set of
every app's records in Doxato and Kato Nevrokopi, which the demo coordinator sees at their addresses."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from core.models import Centre, Location, User
from core.tenancy import centre_scope
from distribution.models import Card, Collection, DistributionDay, Household
from events.models import Event, Registration
from inventory.models import Donation, StockLevel
from volunteers.models import Assignment, Shift, Volunteer

pytestmark = pytest.mark.django_db


def _counts():
    return {
        "households": Household.objects.count(), "cards": Card.objects.count(),
        "stock": StockLevel.objects.filter(quantity__gt=0).count(), "donations": Donation.objects.count(),
        "days": DistributionDay.objects.count(), "collections": Collection.objects.count(),
        "volunteers": Volunteer.objects.count(), "shifts": Shift.objects.count(),
        "assignments": Assignment.objects.count(), "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
    }


def test_every_demo_centre_has_its_own_data_and_its_pages_show_it():
    call_command("load_demo", stdout=io.StringIO())
    centres = {centre.slug: centre for centre in Centre.objects.all()}
    assert set(centres) == {"drama", "doxato", "nevrokopi"}
    counts, names = {}, {}
    for slug, centre in centres.items():
        with centre_scope(centre):
            counts[slug] = _counts()
            assert all(counts[slug].values()), (slug, counts[slug])
            assert not Location.objects.exclude(centre=centre).exists()
            # Its people: a staff member and volunteers of its own, and the households live in its town.
            assert Volunteer.objects.filter(user__memberships__centre=centre).exists()
            names[slug] = {
                "household": Household.objects.order_by("pk").first(),
                "event": Event.objects.filter(status="published").order_by("pk").first(),
                "volunteer": Volunteer.objects.filter(user__username__endswith=slug).first(),
                "volunteers": set(Volunteer.objects.values_list("first_name", "last_name")),
                "events": set(Event.objects.filter(series=None).values_list("title_el", flat=True)),
            }
    for small in ("doxato", "nevrokopi"):
        # A small set: a fraction of the full demo's households, stock and people, not a copy of it.
        assert counts[small]["households"] * 3 < counts["drama"]["households"]
        assert counts[small]["volunteers"] * 3 < counts["drama"]["volunteers"]
        assert names[small]["volunteer"] is not None, "the centre's demo volunteer login has her record"
        assert names[small]["household"].address.endswith(
            {"doxato": "Δοξάτο", "nevrokopi": "Κάτω Νευροκόπι"}[small])
    # The people differ from centre to centre (their own names, not another centre's copied).
    assert not names["doxato"]["volunteers"] & names["nevrokopi"]["volunteers"]
    assert not names["doxato"]["volunteers"] & names["drama"]["volunteers"]
    # Each small centre shows its own few of the demo's events, not the same first ones as the other.
    assert names["doxato"]["events"] != names["nevrokopi"]["events"]

    client = Client()
    client.force_login(User.objects.get(username="syntonistria"))
    with centre_scope(centres["doxato"]):
        household = names["doxato"]["household"]
        reference = household.members.get(is_reference=True)
        event = names["doxato"]["event"]
        day = DistributionDay.objects.order_by("date").last()
    page = client.get(f"/c/doxato/distribution/households/{household.pk}/").content.decode()
    assert reference.last_name in page
    assert client.get(f"/c/doxato/distribution/days/{day.pk}/").status_code == 200
    page = client.get("/c/doxato/events/staff/").content.decode()
    assert event.title_el in page
    page = client.get("/c/doxato/volunteers/roster/").content.decode()
    assert names["doxato"]["volunteer"].last_name in page
    # Drama's records stay Drama's: its household answers 404 at Doxato's address.
    assert client.get(f"/c/doxato/distribution/households/{names['drama']['household'].pk}/").status_code == 404
