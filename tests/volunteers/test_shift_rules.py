"""Capacity, overlap, sign-up modes and series edits, through the services."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import LocationFactory, UserFactory
from volunteers.models import Assignment, Shift, ShiftSeries, ShiftTemplate, ShiftTemplateLine, SignupMode
from volunteers.services import shifts as shift_services
from volunteers.services import signups

from .factories import ShiftFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_open_shift_fills_up_to_the_maximum_and_no_further():
    shift = ShiftFactory(max_people=2)
    first, second, third = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    assert signups.take_shift(first, shift).status == Assignment.Status.CONFIRMED
    signups.take_shift(second, shift)
    with pytest.raises(ValidationError, match="πλήρης|full"):
        signups.take_shift(third, shift)
    shift.refresh_from_db()
    assert shift.booked == 2
    assert Assignment.objects.filter(shift=shift, status__in=Assignment.ACTIVE).count() == 2


def test_leaving_frees_the_place_and_taking_again_reuses_the_row():
    shift = ShiftFactory(max_people=1)
    volunteer, other = VolunteerFactory(), VolunteerFactory()
    signups.take_shift(volunteer, shift)
    signups.leave_shift(volunteer, shift)
    shift.refresh_from_db()
    assert shift.booked == 0
    signups.take_shift(other, shift)
    with pytest.raises(ValidationError):
        signups.take_shift(volunteer, shift)
    signups.leave_shift(other, shift)
    signups.take_shift(volunteer, shift)
    assert Assignment.objects.filter(shift=shift, volunteer=volunteer).count() == 1


def test_nobody_is_booked_into_two_overlapping_shifts():
    volunteer = VolunteerFactory()
    morning = ShiftFactory()
    overlapping = ShiftFactory(starts_at=morning.starts_at + timedelta(hours=2))
    after = ShiftFactory(starts_at=morning.ends_at)  # touching is fine
    signups.take_shift(volunteer, morning)
    with pytest.raises(ValidationError, match="ήδη βάρδια|already has a shift"):
        signups.take_shift(volunteer, overlapping)
    coordinator = UserFactory(role="coordinator")
    with pytest.raises(ValidationError):
        signups.assign(overlapping, volunteer, by=coordinator)
    signups.take_shift(volunteer, after)
    assert volunteer.assignments.filter(status__in=Assignment.ACTIVE).count() == 2


def test_the_database_refuses_overbooking_even_without_the_service():
    shift = ShiftFactory(max_people=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Shift.objects.filter(pk=shift.pk).update(booked=2)


@pytest.mark.postgres
def test_the_database_refuses_overlap_even_without_the_service(on_postgres):
    volunteer = VolunteerFactory()
    a, b = ShiftFactory(), None
    b = ShiftFactory(starts_at=a.starts_at + timedelta(hours=1))
    Assignment.objects.create(shift=a, volunteer=volunteer, status="confirmed", starts_at=a.starts_at,
                              ends_at=a.ends_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(shift=b, volunteer=volunteer, status="assigned", starts_at=b.starts_at,
                                  ends_at=b.ends_at)
    # a cancelled one does not count
    Assignment.objects.create(shift=b, volunteer=volunteer, status="cancelled", starts_at=b.starts_at,
                              ends_at=b.ends_at)
    assert connection.vendor == "postgresql"


def test_signup_modes():
    coordinator = UserFactory(role="coordinator")
    volunteer = VolunteerFactory()
    on_request = ShiftFactory(signup_mode=SignupMode.REQUEST)
    assigned_only = ShiftFactory(signup_mode=SignupMode.ASSIGNED, starts_at=on_request.starts_at + timedelta(days=1))
    request = signups.take_shift(volunteer, on_request)
    assert request.status == Assignment.Status.REQUESTED
    on_request.refresh_from_db()
    assert on_request.booked == 0, "a request holds no place until the coordinator confirms"
    signups.approve_request(request, by=coordinator)
    on_request.refresh_from_db()
    assert on_request.booked == 1
    assert Assignment.objects.get(pk=request.pk).status == Assignment.Status.CONFIRMED

    with pytest.raises(ValidationError, match="μόνο η συντονίστρια"):
        signups.take_shift(volunteer, assigned_only)
    given = signups.assign(assigned_only, volunteer, by=coordinator)
    assert given.status == Assignment.Status.ASSIGNED
    signups.confirm(given, by=volunteer.user)
    assert Assignment.objects.get(pk=given.pk).status == Assignment.Status.CONFIRMED
    signups.decline(given, by=volunteer.user)
    assigned_only.refresh_from_db()
    assert assigned_only.booked == 0


def test_declined_request_and_inactive_volunteers_and_past_shifts():
    coordinator = UserFactory(role="coordinator")
    shift = ShiftFactory(signup_mode=SignupMode.REQUEST)
    volunteer = VolunteerFactory()
    request = signups.take_shift(volunteer, shift)
    signups.decline_request(request, by=coordinator)
    assert Assignment.objects.get(pk=request.pk).status == Assignment.Status.DECLINED
    paused = VolunteerFactory(status="paused")
    with pytest.raises(ValidationError):
        signups.take_shift(paused, ShiftFactory())
    past = ShiftFactory(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError, match="ξεκινήσει|started"):
        signups.take_shift(VolunteerFactory(), past)


def test_series_creates_weekly_shifts_and_edits_this_and_following():
    location = LocationFactory()
    start = timezone.localdate() + timedelta(days=1)
    series = shift_services.create_series(
        location=location, weekday=1, start_time=time(8), end_time=time(12), starts_on=start,
        until=start + timedelta(days=7 * 6), max_people=3, min_people=1)
    shifts = list(series.shifts.order_by("starts_at"))
    assert len(shifts) in (6, 7)
    assert all(timezone.localtime(s.starts_at).weekday() == 1 for s in shifts)
    assert all(timezone.localtime(s.starts_at).time() == time(8) for s in shifts)

    volunteer = VolunteerFactory()
    signups.take_shift(volunteer, shifts[3])
    third = shifts[2]
    third_day = timezone.localtime(third.starts_at).date()
    shift_services.update_shift(third, location=location, day=third_day, start_time=time(9),
                                end_time=time(13), scope="following", role="store", min_people=1, max_people=3)
    after = list(Shift.objects.filter(pk__in=[s.pk for s in shifts]).order_by("starts_at"))
    assert [timezone.localtime(s.starts_at).hour for s in after[:2]] == [8, 8]
    assert all(timezone.localtime(s.starts_at).hour == 9 and s.role == "store" for s in after[2:])
    assert after[0].series_id == series.pk and after[2].series_id != series.pk
    series.refresh_from_db()
    assert series.until < third_day
    assert ShiftSeries.objects.get(pk=after[2].series_id).start_time == time(9)
    moved = Assignment.objects.get(volunteer=volunteer)
    assert timezone.localtime(moved.starts_at).hour == 9, "the booking follows the shift's new time"

    # one by one: only that shift changes, and it leaves the series
    shift_services.update_shift(after[0], location=location, day=timezone.localtime(after[0].starts_at).date(),
                                start_time=time(10), end_time=time(11), scope="one", max_people=3, min_people=1)
    after0 = Shift.objects.get(pk=after[0].pk)
    assert timezone.localtime(after0.starts_at).hour == 10 and after0.series_id is None
    assert timezone.localtime(Shift.objects.get(pk=after[1].pk).starts_at).hour == 8


def test_series_edit_is_refused_when_it_would_double_book_someone():
    location = LocationFactory()
    start = timezone.localdate() + timedelta(days=1)
    series = shift_services.create_series(location=location, weekday=start.weekday(), start_time=time(8),
                                          end_time=time(10), starts_on=start, until=start + timedelta(days=14))
    first = series.shifts.order_by("starts_at").first()
    volunteer = VolunteerFactory()
    signups.take_shift(volunteer, first)
    other = ShiftFactory(starts_at=shift_services.at(start, time(11)), ends_at=shift_services.at(start, time(13)))
    signups.take_shift(volunteer, other)
    with pytest.raises(ValidationError, match="δύο βάρδιες|two shifts"):
        shift_services.update_shift(first, location=location, day=start, start_time=time(8), end_time=time(12),
                                    scope="following", max_people=2)
    assert timezone.localtime(Shift.objects.get(pk=first.pk).ends_at).hour == 10, "nothing changed"


def test_lowering_the_maximum_below_the_people_booked_is_refused():
    shift = ShiftFactory(max_people=3)
    for _ in range(2):
        signups.take_shift(VolunteerFactory(), shift)
    day = timezone.localtime(shift.starts_at).date()
    with pytest.raises(ValidationError):
        shift_services.update_shift(shift, location=shift.location, day=day,
                                    start_time=timezone.localtime(shift.starts_at).time(),
                                    end_time=timezone.localtime(shift.ends_at).time(), max_people=1, min_people=1)


def test_cancel_following_and_template_staffs_a_day():
    coordinator = UserFactory(role="coordinator")
    location = LocationFactory()
    start = timezone.localdate() + timedelta(days=1)
    series = shift_services.create_series(location=location, weekday=start.weekday(), start_time=time(8),
                                          end_time=time(10), starts_on=start, until=start + timedelta(days=21))
    shifts = list(series.shifts.order_by("starts_at"))
    volunteer = VolunteerFactory()
    signups.take_shift(volunteer, shifts[2])
    shift_services.cancel_shift(shifts[1], by=coordinator, scope="following")
    states = [Shift.objects.get(pk=s.pk).cancelled_at is not None for s in shifts]
    assert states == [False, True, True, True]
    assert Assignment.objects.get(volunteer=volunteer).status == Assignment.Status.CANCELLED

    template = ShiftTemplate.objects.create(name="Ημέρα διανομής")
    ShiftTemplateLine.objects.create(template=template, start_time=time(7, 30), end_time=time(11), role="distribution",
                                     max_people=4, languages_needed=["rom"])
    ShiftTemplateLine.objects.create(template=template, start_time=time(11), end_time=time(14), role="store",
                                     max_people=2)
    day = timezone.localdate() + timedelta(days=3)
    made = shift_services.apply_template(template, location=location, day=day, by=coordinator)
    assert [(timezone.localtime(s.starts_at).time(), s.role, s.languages_needed) for s in made] == [
        (time(7, 30), "distribution", ["rom"]), (time(11), "store", [])]


def test_cancelling_a_whole_series_from_its_first_shift():
    coordinator = UserFactory(role="coordinator")
    location = LocationFactory()
    start = timezone.localdate() + timedelta(days=1)
    series = shift_services.create_series(location=location, weekday=start.weekday(), start_time=time(8),
                                          end_time=time(10), starts_on=start, until=start + timedelta(days=14))
    first = series.shifts.order_by("starts_at").first()
    assert len(shift_services.cancel_shift(first, by=coordinator, scope="following")) == 3
    assert not series.shifts.filter(cancelled_at__isnull=True).exists()


def test_someone_marked_present_cannot_be_taken_off_the_shift():
    from volunteers.services import attendance

    coordinator = UserFactory(role="coordinator")
    now = timezone.now()
    shift = ShiftFactory(starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(hours=2))
    volunteer = VolunteerFactory()
    assignment = attendance.set_attendance(signups.take_shift(volunteer, shift), "present", by=coordinator)
    with pytest.raises(ValidationError, match="σημειώθηκε παρών|marked present"):
        signups.remove(assignment, by=coordinator)
