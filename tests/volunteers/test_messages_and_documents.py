"""Reminders (once, on time, in the volunteer's language), messages on assignment/change/cancel,
iCal feeds parsed back with icalendar, hours and the PDF certificate (text extracted back)."""

import subprocess
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import UserFactory, centre_details
from volunteers.certificate import certificate_pdf
from volunteers.models import Assignment, ReminderSent
from volunteers.services import attendance, notices, signups
from volunteers.services import shifts as shift_services

from .factories import ShiftFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_reminder_goes_once_at_the_right_time_in_the_volunteers_language(mailoutbox, sms_outbox):
    now = timezone.now()
    soon = ShiftFactory(starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=23))
    later = ShiftFactory(starts_at=now + timedelta(hours=30), ends_at=now + timedelta(hours=33))
    greek, english = VolunteerFactory(language="el"), VolunteerFactory(language="en")
    for volunteer in (greek, english):
        signups.take_shift(volunteer, soon)
        signups.take_shift(volunteer, later)
    assert notices.send_reminders(now=now, lead=timedelta(hours=24)) == 2
    subjects = sorted(m.subject for m in mailoutbox)
    assert subjects == sorted(["Reminder: your shift", "Υπενθύμιση: η βάρδιά σας"])
    english_mail = next(m for m in mailoutbox if m.to == [english.email])
    assert english_mail.body.startswith("Hello")
    assert soon.location.name in english_mail.body
    assert len(sms_outbox) == 2
    # run again (cron every few minutes): nothing new
    assert notices.send_reminders(now=now + timedelta(minutes=5), lead=timedelta(hours=24)) == 0
    assert len(mailoutbox) == 2
    # 10 hours later the second shift comes into the window
    assert notices.send_reminders(now=now + timedelta(hours=10), lead=timedelta(hours=24)) == 2
    assert ReminderSent.objects.count() == 4


def test_moved_shift_gets_a_new_reminder_and_cancelled_or_left_get_none(mailoutbox):
    now = timezone.now()
    shift = ShiftFactory(starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=4))
    other = ShiftFactory(starts_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=6))
    volunteer, leaver = VolunteerFactory(), VolunteerFactory()
    signups.take_shift(volunteer, shift)
    signups.take_shift(leaver, other)
    signups.leave_shift(leaver, other)
    call_command("send_reminders", "--hours", "24")
    assert [m.to for m in mailoutbox] == [[volunteer.email]]
    # move the shift: it is a new time, so one new reminder
    shift.starts_at += timedelta(hours=1)
    shift.ends_at += timedelta(hours=1)
    shift.save()
    assert notices.send_reminders(lead=timedelta(hours=24)) == 1
    assert notices.send_reminders(lead=timedelta(hours=24)) == 0


def test_assignment_change_and_cancellation_are_messaged(mailoutbox, sms_outbox, django_capture_on_commit_callbacks):
    coordinator = UserFactory(role="coordinator")
    shift = ShiftFactory()
    volunteer = VolunteerFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        signups.assign(shift, volunteer, by=coordinator)
    assert mailoutbox[-1].subject == "New shift for you"
    assert "https://kypseli.example.org/volunteers/me/" in mailoutbox[-1].body
    day = timezone.localtime(shift.starts_at).date()
    with django_capture_on_commit_callbacks(execute=True):
        shift_services.update_shift(shift, location=shift.location, day=day, start_time=time(9), end_time=time(12),
                                    max_people=2, min_people=1)
    assert mailoutbox[-1].subject == "Your shift has changed"
    assert "09:00" in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        shift_services.cancel_shift(shift, by=coordinator)
    assert mailoutbox[-1].subject == "Shift cancelled"
    assert len(sms_outbox) == 3


def test_coordinator_messages_a_shift_and_its_candidates(mailoutbox):
    from tests.volunteers.factories import available_always

    coordinator = UserFactory(role="coordinator")
    shift = ShiftFactory(max_people=3)
    on_it = VolunteerFactory()
    signups.take_shift(on_it, shift)
    free = available_always(VolunteerFactory())
    busy = available_always(VolunteerFactory())
    signups.take_shift(busy, ShiftFactory(starts_at=shift.starts_at))
    assert notices.message_people(shift, [on_it], "Φέρτε γάντια", by=coordinator, audience="shift") == 1
    from volunteers import selectors

    candidates = [c.volunteer for c in selectors.candidates(shift)]
    assert free in candidates and busy not in candidates and on_it not in candidates
    assert notices.message_people(shift, candidates, "Χρειαζόμαστε βοήθεια", by=coordinator,
                                  audience="candidates") == len(candidates)
    assert "Φέρτε γάντια" in mailoutbox[0].body and "/volunteers/me/" in mailoutbox[0].body
    assert f"/volunteers/me/shifts/{shift.pk}/take/" in mailoutbox[-1].body, "candidates get a one-tap link"


def test_volunteer_feed_and_location_feed_parse_back(client, coordinator_client):
    volunteer = VolunteerFactory()
    shift = ShiftFactory(description="Διανομή τροφίμων")
    hidden = ShiftFactory(starts_at=shift.starts_at + timedelta(days=1), location=shift.location)
    signups.take_shift(volunteer, shift)
    response = client.get(reverse("volunteers:volunteer_feed", args=[volunteer.calendar_token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert event["uid"] == f"shift-{shift.pk}@kypseli"
    assert event.decoded("dtstart") == shift.starts_at and event.decoded("dtend") == shift.ends_at
    assert shift.location.name in str(event["summary"])
    assert str(event["description"]) == "Διανομή τροφίμων"
    assert client.get(reverse("volunteers:volunteer_feed", args=["wrong"])).status_code == 404

    board = coordinator_client.get(reverse("volunteers:board"))
    feed_url = next(url for loc, url in board.context["feeds"] if loc == shift.location)
    location_calendar = Calendar.from_ical(client.get(feed_url.split("testserver")[1]).content)
    uids = {str(e["uid"]) for e in location_calendar.walk("VEVENT")}
    assert uids == {f"shift-{shift.pk}@kypseli", f"shift-{hidden.pk}@kypseli"}
    assert volunteer.full_name in str(next(iter(location_calendar.walk("VEVENT")))["description"])
    assert client.get("/volunteers/calendar/location/forged.ics").status_code == 404


def _served(volunteer, hours_ago, length, by):
    now = timezone.now()
    shift = ShiftFactory(starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=1 + length))
    signups.take_shift(volunteer, shift)
    shift.starts_at -= timedelta(hours=hours_ago + 1)
    shift.ends_at -= timedelta(hours=hours_ago + 1)
    shift.save()
    Assignment.objects.filter(shift=shift).update(starts_at=shift.starts_at, ends_at=shift.ends_at)
    assignment = Assignment.objects.get(shift=shift, volunteer=volunteer)
    return attendance.set_attendance(assignment, "present", by=by)


def test_hours_are_computed_approved_and_counted_only_when_approved():
    coordinator = UserFactory(role="coordinator")
    volunteer = VolunteerFactory()
    first = _served(volunteer, 48, 4, coordinator)
    second = _served(volunteer, 24, 3, coordinator)
    no_show = _served(volunteer, 10, 2, coordinator)
    attendance.set_attendance(no_show, "no_show", by=coordinator)
    from volunteers.selectors import hours_total

    assert first.hours == Decimal("4.00")
    assert hours_total(volunteer) == 0
    attendance.approve_hours(first, by=coordinator)
    attendance.approve_hours(second, by=coordinator, hours=Decimal("2.5"))
    assert hours_total(volunteer) == Decimal("6.50")
    from volunteers.selectors import totals

    assert totals() == {"hours": Decimal("6.50"), "shifts_served": 2, "volunteers": 1, "no_shows": 1}
    assert totals(since=timezone.localdate() + timedelta(days=1))["hours"] == 0
    with pytest.raises(ValidationError, match="παρόντες"):
        attendance.approve_hours(no_show, by=coordinator)


def test_qr_check_in_marks_present_within_the_window(client):
    volunteer = VolunteerFactory()
    now = timezone.now()
    shift = ShiftFactory(starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=3))
    signups.take_shift(volunteer, shift)
    client.force_login(volunteer.user)
    url = reverse("volunteers:checkin", args=[shift.checkin_token])
    assert client.get(url).status_code == 200
    client.post(url)
    assignment = Assignment.objects.get(shift=shift)
    assert assignment.attendance == "present" and assignment.hours == Decimal("2.50")
    stranger = VolunteerFactory()
    client.force_login(stranger.user)
    response = client.post(url, follow=True)
    assert "not on this shift" in response.content.decode() or "δεν είστε" in response.content.decode().lower()


def test_certificate_pdf_in_greek_with_centre_and_hours(tmp_path, coordinator_client):
    centre_details(name="Κέντρο Κοινότητας Δήμου Δράμας", address="Πλατεία Ελευθερίας, Δράμα", phones="2521057206",
           coordinator_name="Τριανταφυλλιά Τζάφου")
    coordinator = UserFactory(role="coordinator")
    volunteer = VolunteerFactory(first_name="Ελένη", last_name="Σαλή")
    attendance.approve_hours(_served(volunteer, 48, 4, coordinator), by=coordinator)
    attendance.approve_hours(_served(volunteer, 24, 3, coordinator), by=coordinator)
    response = coordinator_client.get(reverse("volunteers:certificate", args=[volunteer.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Ελένη Σαλή" in flat
    assert "Κέντρο Κοινότητας Δήμου Δράμας" in flat
    assert "7 ώρες" in flat or "7 ώρ" in flat
    assert "Τριανταφυλλιά Τζάφου" in flat
    # a period without service: zero hours, still a valid PDF
    empty = certificate_pdf(volunteer, since=timezone.localdate() + timedelta(days=1))
    assert empty.startswith(b"%PDF")
