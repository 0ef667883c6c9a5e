"""volunteers 0017 adds the rule that one person is never on two shifts at once, at any centres. Before it
the rule was per volunteer record, so a person could already hold overlapping places at two centres: the
migration keeps every place (and its status) and exempts the later place of each clash from the new rule,
instead of failing on the rows already there."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core.tenancy import scopes_disabled
from tests.migrating import before, latest, migrate


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_places_that_already_clash_at_two_centres_are_kept_and_the_rule_is_added(capsys):
    old = migrate(before("volunteers", "0016_digest_per_centre"))
    try:
        Centre, Location, User = (old.get_model("core", name) for name in ("Centre", "Location", "User"))
        Volunteer, Shift, Assignment = (old.get_model("volunteers", name)
                                        for name in ("Volunteer", "Shift", "Assignment"))
        drama = Centre.objects.order_by("pk").first()
        doxato = Centre.objects.create(name="Κέντρο Κοινότητας Δοξάτου", slug="doxato-migration")
        eleni = User.objects.create(username="eleni-two-centres")
        start = timezone.now().replace(microsecond=0) + timedelta(days=3)

        def place(centre, n, starts, hours, status="confirmed"):
            site = Location.objects.create(name=f"Χώρος {centre.pk}-{n}", kind="site", centre_id=centre.pk)
            volunteer, _ = Volunteer.objects.get_or_create(
                centre_id=centre.pk, user=eleni,
                defaults={"first_name": "Ελένη", "last_name": "Σαλή", "status": "active",
                          "calendar_token": f"cal-{centre.pk}"})
            shift = Shift.objects.create(centre_id=centre.pk, location=site, starts_at=starts, booked=1,
                                         ends_at=starts + timedelta(hours=hours), checkin_token=f"in-{centre.pk}-{n}")
            return Assignment.objects.create(centre_id=centre.pk, shift=shift, volunteer=volunteer, status=status,
                                             starts_at=shift.starts_at, ends_at=shift.ends_at).pk

        first = place(drama, 1, start, 4)  # 08:00–12:00 at Drama
        clashing = place(doxato, 1, start + timedelta(hours=2), 4)  # 10:00–14:00 at Doxato: overlaps
        later = place(doxato, 2, start + timedelta(days=1), 4)  # the next day: no clash
        cancelled = place(drama, 2, start + timedelta(hours=1), 1, status="cancelled")  # not an active place
    finally:
        migrate(latest())

    assert "1 place(s) of people already booked at the same time at two centres" in capsys.readouterr().out
    from volunteers.models import Assignment as Now

    with scopes_disabled():
        kept = {a.pk: (a.status, a.person_id) for a in Now.objects.all()}
    assert kept == {first: ("confirmed", eleni.pk), clashing: ("confirmed", None), later: ("confirmed", eleni.pk),
                    cancelled: ("cancelled", eleni.pk)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = 'assignment_person_no_overlap'")
            assert cursor.fetchone() == (1,)
