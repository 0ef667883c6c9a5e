"""Every SMS Kypseli sends fits in two UCS-2 parts (134 characters of Greek) and still says what,
when (date and time), where, and how to reach us (a link or the centre's phone). Each text is
rendered through the real sending code with long, realistic values and its parts are counted."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from core import messaging
from core.messaging import fit_sms, sms_segments, sms_units
from distribution.models import DistributionDay, TimeSlot
from distribution.services.days import slot_notice_text
from events import notifications
from events.models import Registration
from tests.distribution.days_helpers import programme
from tests.events.factories import EventFactory
from tests.factories import LocationFactory, centre_details
from tests.volunteers.factories import ShiftFactory, VolunteerFactory, available_always
from volunteers.services import notices, signin, signups

pytestmark = pytest.mark.django_db

LONG_PLACE = "Παράρτημα Ρομά Κέντρου Κοινότητας Δήμου Δράμας"
LONG_ADDRESS = "Λεωφόρος Αγίου Δημητρίου 125, Νέα Αμισός, Δράμα 66100"
LONG_TITLE = "Εργαστήρι παραδοσιακών χορών και μουσικής για παιδιά, γονείς και παππούδες"
PHONE = "25210 23456"


@pytest.fixture(autouse=True)
def long_values(settings):
    settings.SMS_BACKEND = "locmem"
    settings.SITE_URL = "https://kypseli.dimos-dramas.gr"
    centre_details(name="Κέντρο Κοινότητας Δήμου Δράμας με Παράρτημα Ρομά", phones=f"{PHONE}, 25210 34567")
    messaging.outbox.clear()
    with translation.override("el"):
        yield
    messaging.outbox.clear()


def check(text, *, needs):
    assert sms_segments(text) <= 2, f"{sms_segments(text)} parts ({sms_units(text)[1]} characters): {text}"
    for piece in needs:
        assert piece in text, f"{piece!r} missing from: {text}"


def test_segment_counting_follows_gsm_and_ucs2():
    assert sms_segments("a" * 160) == 1 and sms_segments("a" * 161) == 2 and sms_segments("a" * 307) == 3
    assert sms_segments("α" * 70) == 1 and sms_segments("α" * 71) == 2 and sms_segments("α" * 134) == 2
    assert sms_segments("α" * 135) == 3
    assert sms_units("{€}") == (True, 6), "GSM-7 extension characters count twice"
    text = fit_sms("Διανομή %(date)s, %(place)s. Τηλ. %(phone)s", {"date": "Τρί 15/12", "place": "Χ" * 300,
                                                                    "phone": PHONE}, shrink=("place",))
    assert sms_segments(text) == 2 and text.endswith(f"…. Τηλ. {PHONE}") and "Τρί 15/12" in text


def test_distribution_notice():
    location = LocationFactory(name=LONG_PLACE, address=LONG_ADDRESS)
    day = DistributionDay.objects.create(date=date(2026, 12, 15), location=location, programme=programme(),
                                         starts_at=time(9), ends_at=time(13))
    slot = TimeSlot.objects.create(day=day, starts_at=time(10, 30), ends_at=time(11))
    _subject, email, sms = slot_notice_text(day, slot)
    check(sms, needs=["Διανομή", "15/12", "10:30-11:00", "κάρτα", PHONE, "Παράρτημα Ρομά"])
    assert LONG_ADDRESS in email, "the e-mail keeps the whole address"


@pytest.mark.parametrize("kind", ["assigned", "confirmed", "request_declined", "changed", "cancelled", "removed",
                                  "reminder"])
def test_volunteer_messages(kind, sms_outbox):
    start = timezone.make_aware(datetime(2026, 12, 15, 9, 0))
    shift = ShiftFactory(location=LocationFactory(name=LONG_PLACE, address=LONG_ADDRESS), role="interpreting",
                         starts_at=start, ends_at=start + timedelta(hours=4))
    volunteer = available_always(VolunteerFactory(language="el"))
    assignment = signups.assign(shift, volunteer, by=None, quiet=True)
    sms_outbox.clear()
    notices.message_assignment(kind, assignment)
    (sms,) = [m.text for m in sms_outbox]
    reach = "/volunteers/me/" if kind in ("assigned", "confirmed", "changed", "reminder") else PHONE
    check(sms, needs=["15/12", "09:00", reach, "Διερμηνεία"])
    assert volunteer.first_name not in sms


def test_volunteer_sign_in_link_and_welcome(sms_outbox):
    volunteer = VolunteerFactory(language="el")
    assert signin.send_signin_link(volunteer)
    (sms,) = [m.text for m in sms_outbox]
    check(sms, needs=["https://kypseli.dimos-dramas.gr/", "24"])


def _registration(status, **event_fields):
    start = timezone.make_aware(datetime(2026, 12, 18, 17, 30))
    event = EventFactory(title_el=LONG_TITLE, location=LocationFactory(name=LONG_PLACE, address=LONG_ADDRESS),
                         room="Αίθουσα πολλαπλών χρήσεων, 1ος όροφος", starts_at=start,
                         ends_at=start + timedelta(hours=2), **event_fields)
    return Registration.objects.create(event=event, name="Παναγιώτα Καραμανλίδου-Παπαδοπούλου", places=3,
                                       phone="6971234567", status=status, consent_at=timezone.now(), language="el")


@pytest.mark.parametrize("status", ["confirmed", "waiting", "pending"])
def test_event_registration_messages(status, sms_outbox):
    registration = _registration(status)
    notifications.send_registration_received(registration)
    (sms,) = [m.text for m in sms_outbox]
    check(sms, needs=["18/12", "17:30", notifications.private_link(registration), "Εργαστήρι"])


def test_event_reminder(sms_outbox):
    registration = _registration("confirmed")
    notifications.send_reminder(registration)
    (sms,) = [m.text for m in sms_outbox]
    check(sms, needs=["18/12", "17:30", notifications.private_link(registration), "Παράρτημα"])


@pytest.mark.parametrize("builder", ["cancelled", "declined", "cancelled_by_centre"])
def test_event_notices(builder, sms_outbox):
    registration = _registration("confirmed")
    build = {"cancelled": lambda e: notifications.event_cancelled_message(e, "Ο χώρος πλημμύρισε από τη βροχή."),
             "declined": lambda e: notifications.declined_message(e, "Δεν υπάρχουν θέσεις για ομάδες."),
             "cancelled_by_centre": notifications.cancelled_by_centre_message}[builder](registration.event)
    notifications.send_notice(registration, build)
    (sms,) = [m.text for m in sms_outbox]
    check(sms, needs=["18/12", "17:30", PHONE])


def test_a_message_staff_write_keeps_its_text_and_the_link_within_two_parts(sms_outbox):
    from events.services import registrations

    registration = _registration("confirmed")
    text = ("Λόγω της βροχής η εκδήλωση θα γίνει στην αίθουσα του ισογείου και όχι στην αυλή. Φέρτε ένα "
            "μπουφάν για τα παιδιά, γιατί το απόγευμα κάνει κρύο. Σας περιμένουμε!")
    registrations.message_registrations(registration.event, subject="Αλλαγή αίθουσας", text=text,
                                        statuses=["confirmed"], by=None)
    (sms,) = [m.text for m in sms_outbox]
    check(sms, needs=["Αλλαγή αίθουσας: Λόγω της βροχής", notifications.private_link(registration)])
