"""A person who volunteers at two centres (a volunteer record at each, one account) is never on two
shifts at once, whichever centre books her: taking, assigning, moving a shift, linking her account and
the planner all keep to it (parallel bookings at two centres: tests/volunteers/test_concurrency.py).
Neither centre learns anything of the other's shift but that she is busy then."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.memberships import set_role
from core.tenancy import centre_scope
from tests.factories import CentreFactory, LocationFactory, UserFactory
from volunteers.models import Assignment
from volunteers.selectors import open_shifts_for
from volunteers.services import planning, roster, signups
from volunteers.services.shifts import update_shift

from .factories import ShiftFactory, VolunteerFactory, available_always

OTHER_HALL = "Αίθουσα Καβάλας"  # centre B's: never named to centre A


@pytest.fixture
def kavala(db):
    return CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")


@pytest.fixture
def eleni(kavala):
    """Eleni volunteers here (Drama) and at Kavala, with a confirmed place at Kavala on Thursday 08–12."""
    person = UserFactory(role="volunteer")
    here = VolunteerFactory(user=person, first_name="Ελένη", last_name="Σαλή")
    with centre_scope(kavala):
        there = VolunteerFactory(user=person, first_name="Ελένη", last_name="Σαλή", email=here.email)
        set_role(person, kavala, "volunteer")
        theirs = ShiftFactory(location=LocationFactory(name=OTHER_HALL))
        signups.take_shift(there, theirs)
    return {"person": person, "here": here, "there": there, "their_shift": theirs}


@pytest.mark.django_db
def test_she_cannot_take_or_be_given_a_place_here_at_the_hour_of_her_place_there(eleni):
    theirs = eleni["their_shift"]
    overlapping = ShiftFactory(starts_at=theirs.starts_at + timedelta(hours=2), max_people=3)
    for book in (lambda: signups.take_shift(eleni["here"], overlapping),
                 lambda: signups.assign(overlapping, eleni["here"], by=None)):
        with pytest.raises(ValidationError) as refused:
            book()
        text = " ".join(refused.value.messages)
        assert "άλλο κέντρο" in text or "another centre" in text, text
        assert OTHER_HALL not in text
    assert not Assignment.objects.filter(shift=overlapping).exists()
    # The list of shifts she may take here leaves that one out; a shift after hers stays in.
    later = ShiftFactory(starts_at=theirs.ends_at + timedelta(hours=1))
    offered = {shift.pk for shift in open_shifts_for(eleni["here"])}
    assert overlapping.pk not in offered and later.pk in offered
    # Someone without a place there takes it.
    assert signups.take_shift(VolunteerFactory(), overlapping).status == Assignment.Status.CONFIRMED


@pytest.mark.django_db
def test_moving_a_shift_onto_her_hour_there_is_refused(eleni):
    theirs = eleni["their_shift"]
    mine = ShiftFactory(starts_at=theirs.ends_at + timedelta(hours=2))
    signups.take_shift(eleni["here"], mine)
    with pytest.raises(ValidationError) as refused:
        start = timezone.localtime(theirs.starts_at)
        update_shift(mine, location=mine.location, day=start.date(), start_time=start.time(),
                     end_time=timezone.localtime(theirs.ends_at).time(), by=None)
    assert OTHER_HALL not in " ".join(refused.value.messages)
    mine.refresh_from_db()
    assert mine.starts_at == theirs.ends_at + timedelta(hours=2)


@pytest.mark.django_db
def test_linking_her_account_to_a_record_with_a_place_at_the_same_hour_is_refused(eleni):
    theirs = eleni["their_shift"]
    serres = CentreFactory(name="Κέντρο Κοινότητας Σερρών", slug="serres")  # a third centre knows her unlinked
    with centre_scope(serres):
        unlinked = VolunteerFactory(user=None, first_name="Ελένη", last_name="Σαλή", email="eleni.s@example.org")
        same_hour = ShiftFactory(starts_at=theirs.starts_at)
        signups.take_shift(unlinked, same_hour)
        with pytest.raises(ValidationError) as refused:
            roster.link_user(unlinked, eleni["person"])
        assert OTHER_HALL not in " ".join(refused.value.messages)
        unlinked.refresh_from_db()
        assert unlinked.user_id is None
        # Without the clash the link is made, and her places there become hers (the rule follows them).
        signups.leave_shift(unlinked, same_hour)
        later = ShiftFactory(starts_at=theirs.ends_at + timedelta(days=1))
        signups.take_shift(unlinked, later)
        roster.link_user(unlinked, eleni["person"])
        assert set(Assignment.objects.filter(volunteer=unlinked).values_list("person_id", flat=True)) == {
            eleni["person"].pk}


@pytest.mark.django_db
def test_the_planner_does_not_plan_her_at_the_hour_of_her_place_there(eleni, kavala, coordinator):
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    starts_at = timezone.make_aware(datetime.combine(monday, time(8)))
    with centre_scope(kavala):
        busy = ShiftFactory(location=LocationFactory(name=OTHER_HALL), starts_at=starts_at,
                            ends_at=starts_at + timedelta(hours=4))
        signups.take_shift(eleni["there"], busy)
    available_always(eleni["here"])
    clashing = ShiftFactory(starts_at=starts_at + timedelta(hours=1), ends_at=starts_at + timedelta(hours=3),
                            max_people=1)
    free = ShiftFactory(starts_at=starts_at + timedelta(days=4, hours=8),  # Friday, days from any place of hers
                        ends_at=starts_at + timedelta(days=4, hours=11), max_people=1)
    proposal = planning.propose(starts_on=monday, ends_on=monday + timedelta(days=6), by=coordinator)
    planned = {line.shift_id for line in proposal.lines.filter(volunteer=eleni["here"])}
    assert free.pk in planned and clashing.pk not in planned
