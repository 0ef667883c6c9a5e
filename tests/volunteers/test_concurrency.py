"""Parallel requests race for the last places: exactly the maximum are booked (real connections)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.tenancy import centre_scope
from tests.factories import CentreFactory, LocationFactory, UserFactory
from volunteers.models import Assignment, Shift
from volunteers.services import signups

from .factories import ShiftFactory, VolunteerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(jobs):
    barrier = threading.Barrier(len(jobs))
    results = []

    def run(job):
        try:
            barrier.wait()
            job()
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_ten_people_race_for_three_places(on_postgres):
    shift = ShiftFactory(max_people=3)
    people = [VolunteerFactory() for _ in range(10)]
    results = _race([lambda v=v: signups.take_shift(v, shift) for v in people])
    assert results.count("ok") == 3 and results.count("refused") == 7
    shift.refresh_from_db()
    assert shift.booked == 3
    assert Assignment.objects.filter(shift=shift, status__in=Assignment.ACTIVE).count() == 3


def test_one_person_races_into_two_overlapping_shifts(on_postgres):
    volunteer = VolunteerFactory()
    first = ShiftFactory()
    second = ShiftFactory(starts_at=first.starts_at + timedelta(hours=1))
    results = _race([lambda: signups.take_shift(volunteer, first), lambda: signups.take_shift(volunteer, second)])
    assert sorted(results) == ["ok", "refused"]
    assert Assignment.objects.filter(volunteer=volunteer, status__in=Assignment.ACTIVE).count() == 1
    assert sum(Shift.objects.filter(pk__in=[first.pk, second.pk]).values_list("booked", flat=True)) == 1


def test_two_overlapping_reminder_runs_send_each_reminder_once(on_postgres, mailoutbox):
    from django.utils import timezone

    from volunteers.models import ReminderSent
    from volunteers.services import notices

    now = timezone.now()
    shift = ShiftFactory(starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=5), max_people=6)
    for volunteer in [VolunteerFactory() for _ in range(6)]:
        signups.take_shift(volunteer, shift)
    counts = []
    barrier = threading.Barrier(3)

    def run():
        try:
            barrier.wait()
            counts.append(notices.send_reminders(lead=timedelta(hours=24)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(counts) == 6
    assert ReminderSent.objects.count() == 6
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        Assignment.objects.filter(shift=shift).values_list("volunteer__email", flat=True))


def test_five_yeses_at_once_for_an_offered_shift_one_takes_it(on_postgres, settings, mailoutbox):
    """Four candidates (three whose time ran out, one being asked) and the coordinator picking a fifth,
    all at once: exactly one takes the shift; the others are thanked; the offering volunteer's place is
    released exactly once."""
    from django.utils import timezone

    from tests.factories import UserFactory
    from volunteers.models import SwapAsk
    from volunteers.services import swaps

    from .factories import available_always

    settings.VOLUNTEER_MIN_REST_HOURS = 0
    coordinator = UserFactory(role="coordinator")
    shift = ShiftFactory(max_people=1)
    leaving = available_always(VolunteerFactory())
    assignment = signups.confirm(signups.assign(shift, leaving, by=None, quiet=True))
    people = [available_always(VolunteerFactory()) for _ in range(5)]
    offer = swaps.offer_shift(assignment)
    later = timezone.now()
    for _ in range(3):
        later += timedelta(hours=7)
        swaps.advance(now=later)
    asks = list(SwapAsk.objects.filter(offer=offer).order_by("position"))
    assert [a.status for a in asks] == ["expired", "expired", "expired", "asked", "queued"]
    picked = next(p for p in people if p.pk == asks[4].volunteer_id)
    refusals = []

    def yes(ask):
        try:
            swaps.accept(ask, now=later)
        except swaps.SwapRefusal as refusal:
            refusals.append(refusal.code)
            raise

    jobs = [lambda a=a: yes(a) for a in asks[:4]] + [lambda: swaps.pick(offer, picked, by=coordinator, now=later)]
    results = _race(jobs)
    assert len(results) == 5 and results.count("ok") == 1 and results.count("refused") == 4
    assert set(refusals) <= {"swap_taken", "swap_closed"}
    shift.refresh_from_db()
    assert shift.booked == 1
    assert Assignment.objects.filter(shift=shift, status__in=Assignment.ACTIVE).count() == 1
    assert SwapAsk.objects.filter(offer=offer, status="accepted").count() == 1
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"


def test_two_centres_book_her_at_the_same_hour_at_once_one_wins(on_postgres):
    kavala = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")
    person = UserFactory(role="volunteer")
    here = VolunteerFactory(user=person)
    mine = ShiftFactory()
    with centre_scope(kavala):
        there = VolunteerFactory(user=person, email=here.email)
        theirs = ShiftFactory(location=LocationFactory(name="Αίθουσα Καβάλας"), starts_at=mine.starts_at)

    def take_there():
        with centre_scope(kavala):
            signups.take_shift(there, theirs)

    for _round in range(3):
        results = _race([lambda: signups.take_shift(here, mine), take_there])
        assert sorted(results) == ["ok", "refused"]
        active = Assignment.objects.filter(volunteer=here, status__in=Assignment.ACTIVE).count()
        with centre_scope(kavala):
            active += Assignment.objects.filter(volunteer=there, status__in=Assignment.ACTIVE).count()
            if Assignment.objects.filter(volunteer=there, status__in=Assignment.ACTIVE).exists():
                signups.leave_shift(there, theirs)
        assert active == 1
        if Assignment.objects.filter(volunteer=here, status__in=Assignment.ACTIVE).exists():
            signups.leave_shift(here, mine)
    # Whatever the application did, the database itself refuses her two active places at once.
    signups.take_shift(here, mine)
    with centre_scope(kavala), pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(shift=theirs, volunteer=there, person=person, status=Assignment.Status.ASSIGNED,
                                  starts_at=theirs.starts_at, ends_at=theirs.ends_at)
        Shift.objects.filter(pk=theirs.pk).update(booked=1)
