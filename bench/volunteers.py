"""Volunteer benchmarks: prints figures, asserts nothing (run: `python -m bench.volunteers`).

Builds a throwaway test database (SQLite, or PostgreSQL when DATABASE_URL says so) with a large
centre's worth of data -- 400 volunteers, 300 shifts in the next 14 days, 2,000 past assignments --
and times the coordinator's board, the candidate list, a volunteer's page data, the iCal feed and a
`send_reminders` run over 600 due reminders; a swap: offering a shift (the planner ranks 400
volunteers), the first yes, and the periodic job with nothing due.
"""

import time
from datetime import time as clock
from datetime import timedelta

from bench.util import throwaway_database


def _timed(label, func, repeat=3):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"  {label:<55} {best * 1000:8.1f} ms")  # noqa: T201
    return result


def _populate(rng):
    from django.db import transaction
    from django.utils import timezone

    from core.models import Location
    from volunteers.models import Assignment, Availability, Shift, Volunteer, VolunteerLanguage
    from volunteers.services.shifts import span

    sites = [Location.objects.create(name=f"Χώρος {n}") for n in range(3)]
    with transaction.atomic():
        volunteers = Volunteer.objects.bulk_create([
            Volunteer(first_name=f"Όνομα{n}", last_name=f"Επώνυμο{n}", email=f"b{n}@example.org",
                      phone=f"69{n:08d}", status=Volunteer.Status.ACTIVE) for n in range(400)])
        VolunteerLanguage.objects.bulk_create([
            VolunteerLanguage(volunteer=v, language=code) for v in volunteers
            for code in rng.sample(["el", "rom", "tr", "en", "bg", "ar"], k=2)])
        Availability.objects.bulk_create([
            Availability(volunteer=v, weekday=d, start_time=clock(7), end_time=clock(16))
            for v in volunteers for d in rng.sample(range(5), k=3)])
        today = timezone.localdate()
        shifts = []
        for n in range(300):
            starts_at, ends_at = span(today + timedelta(days=1 + n % 14), clock(7 + n % 6), clock(11 + n % 6))
            shifts.append(Shift(location=sites[n % 3], starts_at=starts_at, ends_at=ends_at, min_people=2,
                                max_people=6, languages_needed=["rom"] if n % 3 == 0 else []))
        shifts = Shift.objects.bulk_create(shifts)
        past = []
        for n in range(2000):
            volunteer = volunteers[n % 400]
            starts_at, ends_at = span(today - timedelta(days=1 + n // 400 * 3 + n % 3), clock(8), clock(12))
            past.append((volunteer, starts_at, ends_at))
        past_shift = Shift.objects.create(location=sites[0], starts_at=past[0][1] - timedelta(days=400),
                                          ends_at=past[0][2] - timedelta(days=400), max_people=6)
        Assignment.objects.bulk_create([
            Assignment(shift=past_shift, volunteer=v, status="confirmed", starts_at=s, ends_at=e,
                       attendance="present", hours=4, hours_approved_at=e) for v, s, e in past[:400]])
    return volunteers, shifts


def main():
    import random

    with throwaway_database() as connection:
        from django.conf import settings

        settings.SMS_BACKEND = "locmem"
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        from django.utils import timezone

        from volunteers import selectors
        from volunteers.calendar import shifts_calendar
        from volunteers.services import notices, signups

        rng = random.Random(7)  # noqa: S311
        print(f"Volunteers benchmark on {connection.vendor}")  # noqa: T201
        volunteers, shifts = _timed("populate 400 volunteers, 300 shifts", lambda: _populate(rng), repeat=1)
        booked = 0
        start = time.perf_counter()
        for shift in shifts:
            for volunteer in rng.sample(volunteers, k=3):
                try:
                    signups.take_shift(volunteer, shift)
                    booked += 1
                except Exception:  # noqa: BLE001, S112 - busy at that time: skipped
                    continue
        elapsed = time.perf_counter() - start
        print(f"  {'take_shift (locked booking)':<55} {elapsed / max(booked, 1) * 1000:8.2f} ms each, {booked} booked")  # noqa: T201,E501
        _timed("board: next 14 days (300 shifts)", lambda: selectors.board(days=14))
        _timed("candidates for one shift (400 volunteers)", lambda: selectors.candidates(shifts[0]))
        _timed("candidates, everyone free", lambda: selectors.candidates(shifts[0], everyone=True))
        _timed("a volunteer's open shifts", lambda: selectors.open_shifts_for(volunteers[0]))
        _timed("hours per volunteer (400 rows)", lambda: list(selectors.approved_hours()))
        _timed("location iCal feed (100 shifts)", lambda: shifts_calendar(
            selectors.with_people(shifts[0].__class__.objects.filter(location=shifts[0].location)),
            name="x", with_people=True).to_ical(), repeat=2)
        from volunteers.models import Assignment
        from volunteers.services import swaps

        offered = [a for a in Assignment.objects.filter(status="confirmed", shift__in=shifts[:40]).order_by("pk")]
        offers = iter(offered)
        offer = _timed("swap: offer a shift (rank 400, ask the first)",
                       lambda: swaps.offer_shift(next(offers)), repeat=3)
        ask = offer.asks.filter(status="asked").first()
        if ask is not None:
            _timed("swap: the first yes (rules re-checked, hand-over)", lambda: swaps.accept(ask), repeat=1)
        _timed("advance_replacements (nothing due)", lambda: swaps.advance())
        sent = _timed("send_reminders, 15 days of lead time", lambda: notices.send_reminders(
            now=timezone.now(), lead=timedelta(days=15)), repeat=1)
        print(f"  reminders sent: {sent}")  # noqa: T201
        _timed("send_reminders again (nothing due)", lambda: notices.send_reminders(lead=timedelta(days=15)))


if __name__ == "__main__":
    main()
