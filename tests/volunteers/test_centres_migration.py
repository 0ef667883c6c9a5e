"""A single-centre database's volunteers, skills, shifts, assignments, swaps, plans and links move into
the first centre with nothing lost (volunteers 0015)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from core.tenancy import centre_scope, scopes_disabled
from tests.migrating import before, latest, migrate

MODELS = ["Skill", "Volunteer", "Certificate", "ShiftSeries", "Shift", "ShiftTemplate", "Assignment", "ReminderSent",
          "PlanProposal", "PlanLine", "ContactChange", "LocationFeed", "SwapOffer", "SwapAsk"]


@pytest.mark.unscoped
@pytest.mark.django_db(transaction=True)
def test_a_single_centre_databases_volunteers_move_into_the_first_centre():
    old = migrate(before("volunteers", "0014_swaps"))
    try:
        Centre, Location, User = (old.get_model("core", name) for name in ("Centre", "Location", "User"))
        V = {name: old.get_model("volunteers", name) for name in (
            *MODELS, "VolunteerLanguage", "Availability", "Absence", "ShiftTemplateLine", "SignInLink")}
        first = Centre.objects.order_by("pk").first()
        site = Location.objects.create(name="Κέντρο Κοινότητας", kind="site", centre_id=first.pk)
        eleni = User.objects.create(username="eleni")
        now = timezone.now().replace(microsecond=0)
        start, end = now + timedelta(days=2), now + timedelta(days=2, hours=4)
        skill = V["Skill"].objects.create(name="Νοηματική γλώσσα", name_en="Sign language", expires=False)
        volunteer = V["Volunteer"].objects.create(first_name="Ελένη", last_name="Σαλή", email="Eleni@example.org",
                                                  user=eleni, status="active", calendar_token="cal-old")
        other = V["Volunteer"].objects.create(first_name="Γιώργος", last_name="Καραγιάννης", status="active",
                                              calendar_token="cal-other")
        V["VolunteerLanguage"].objects.create(volunteer=volunteer, language="rom", level="native")
        V["Certificate"].objects.create(volunteer=volunteer, skill=skill)
        V["Availability"].objects.create(volunteer=volunteer, weekday=1, start_time=time(8), end_time=time(13))
        V["Absence"].objects.create(volunteer=volunteer, starts_on=now.date(), ends_on=now.date())
        series = V["ShiftSeries"].objects.create(location=site, weekday=1, start_time=time(8), end_time=time(12),
                                                 starts_on=now.date(), until=now.date() + timedelta(days=30))
        shift = V["Shift"].objects.create(location=site, starts_at=start, ends_at=end, series=series, booked=1,
                                          checkin_token="checkin-old")
        template = V["ShiftTemplate"].objects.create(name="Ημέρα διανομής")
        V["ShiftTemplateLine"].objects.create(template=template, start_time=time(8), end_time=time(12))
        assignment = V["Assignment"].objects.create(shift=shift, volunteer=volunteer, status="confirmed",
                                                    starts_at=start, ends_at=end)
        V["ReminderSent"].objects.create(assignment=assignment, shift_starts_at=start)
        proposal = V["PlanProposal"].objects.create(starts_on=now.date(), ends_on=now.date())
        V["PlanLine"].objects.create(proposal=proposal, shift=shift, volunteer=other)
        V["ContactChange"].objects.create(volunteer=volunteer, field="phone", new_value="6900000000",
                                          nonce_hash="h1", expires_at=now)
        V["LocationFeed"].objects.create(location=site, token="feed-old")
        offer = V["SwapOffer"].objects.create(assignment=assignment, shift=shift, volunteer=volunteer)
        V["SwapAsk"].objects.create(offer=offer, volunteer=other, position=1)
        V["SignInLink"].objects.create(user=eleni, nonce_hash="h2", expires_at=now)
    finally:
        migrate(latest())

    from volunteers import models

    with scopes_disabled():
        for name in MODELS:
            model = getattr(models, name)
            assert set(model.objects.values_list("centre_id", flat=True)) == {first.pk}, name
    with centre_scope(first.pk):
        moved = models.Volunteer.objects.get(pk=volunteer.pk)
        assert (moved.user.username, moved.email, moved.calendar_token) == ("eleni", "Eleni@example.org", "cal-old")
        assert [str(lang.language) for lang in moved.languages.all()] == ["rom"]
        assert [c.skill.name for c in moved.certificates.all()] == ["Νοηματική γλώσσα"]
        assert moved.availability.count() == moved.absences.count() == 1
        assert models.Volunteer.objects.filter(user__username="eleni").get() == moved
        kept = models.Assignment.objects.get()
        assert (kept.shift.checkin_token, kept.shift.series_id, kept.reminders.count()) == ("checkin-old", series.pk, 1)
        assert models.SwapOffer.objects.get().asks.get().volunteer_id == other.pk
        assert models.PlanProposal.objects.get().lines.get().volunteer_id == other.pk
        assert models.ShiftTemplate.objects.get(name="Ημέρα διανομής").lines.count() == 1
        assert models.LocationFeed.objects.get().token == "feed-old"
        assert models.SignInLink.objects.filter(user=moved.user).count() == 1
