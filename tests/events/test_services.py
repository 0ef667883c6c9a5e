"""Business rules of events: publishing, validation, capacity, the waiting list, approval, messages."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core.models import AuditLog
from events import selectors
from events.models import Event, Question, Registration
from events.services import EventError, door, planning, registrations, retention
from events.services.registrations import RegistrationRequest

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Refusals are matched in English here; messages to people still go out in their own language."""
    with translation.override("en"):
        yield


def taken(event):
    """places_taken from the database, checked against the registrations that hold places."""
    event.refresh_from_db()
    held = sum(r.places for r in event.registrations.filter(status__in=Registration.HOLDS_PLACES))
    assert event.places_taken == held, "the counter always equals the places held"
    return event.places_taken


# --- Publishing ---------------------------------------------------------------------------------

def test_only_published_events_are_public(staff_user):
    draft = EventFactory(status=Event.Status.DRAFT, published_at=None)
    published = EventFactory()
    assert list(selectors.public_events()) == [published]
    assert selectors.public_event(draft.pk) is None
    planning.publish_event(draft, by=staff_user)
    assert set(selectors.public_events()) == {draft, published}
    assert AuditLog.objects.filter(object_id=str(draft.pk), action="change").exists()


def test_past_or_cancelled_or_empty_events_cannot_be_published(staff_user):
    past = EventFactory(status=Event.Status.DRAFT, published_at=None,
                        starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(EventError, match="already started"):
        planning.publish_event(past, by=staff_user)
    cancelled = EventFactory(status=Event.Status.CANCELLED)
    with pytest.raises(EventError, match="cancelled"):
        planning.publish_event(cancelled, by=staff_user)
    empty = EventFactory(status=Event.Status.DRAFT, published_at=None, description_el="  ")
    with pytest.raises(EventError, match="Greek title and description"):
        planning.publish_event(empty, by=staff_user)
    assert Event.objects.filter(status=Event.Status.PUBLISHED).count() == 0


def test_back_to_draft_only_while_nobody_registered(staff_user, sign_up):
    event = EventFactory()
    sign_up(event)
    with pytest.raises(EventError, match="cancel the event instead"):
        planning.unpublish_event(event, by=staff_user)
    other = EventFactory()
    planning.unpublish_event(other, by=staff_user)
    assert selectors.public_event(other.pk) is None


def test_cancelled_event_stays_reachable_by_link_but_leaves_the_list(staff_user, sign_up):
    event = EventFactory()
    sign_up(event)
    planning.cancel_event(event, reason="", by=staff_user)
    assert selectors.public_event(event.pk) == event
    assert event not in selectors.public_events()


# --- Validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "message"), [
    ({"ends_at": "start"}, "end after it starts"),
    ({"max_places_per_registration": 11}, "more places than the event has"),
    ({"min_age": 12, "max_age": 6}, "minimum age"),
    ({"registration_opens_at": "+2d", "registration_closes_at": "+1d"}, "open before it closes"),
    ({"registration_closes_at": "+30d"}, "close after the event has ended"),
])
def test_event_validation(staff_user, changes, message):
    event = EventFactory.build(location=EventFactory().location)
    for name, value in changes.items():
        if value == "start":
            value = event.starts_at
        elif isinstance(value, str):
            value = timezone.now() + timedelta(days=int(value[1:-1]))
        setattr(event, name, value)
    with pytest.raises(EventError, match=message):
        planning.save_event(event, by=staff_user)


def test_database_refuses_impossible_events():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(ends_at=event.starts_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(capacity=0)


@pytest.mark.parametrize(("data", "message"), [
    ({"name": " "}, "your name"),
    ({"email": "", "phone": ""}, "phone number or an e-mail"),
    ({"consent": False}, "agree"),
    ({"places": 0}, "at least one place"),
    ({"places": 5}, "at most 4 places"),
])
def test_registration_validation(data, message):
    event = EventFactory()
    request = RegistrationRequest(**{"name": "Ελένη", "places": 1, "email": "e@example.org", "consent": True, **data})
    with pytest.raises(EventError, match=message):
        registrations.register(event, request)
    assert not Registration.objects.exists() and taken(event) == 0


def test_registration_window_and_status(sign_up):
    now = timezone.now()
    not_yet = EventFactory(registration_opens_at=now + timedelta(days=1))
    with pytest.raises(EventError, match="not opened yet"):
        sign_up(not_yet)
    closed = EventFactory(registration_closes_at=now - timedelta(minutes=1))
    with pytest.raises(EventError, match="closed"):
        sign_up(closed)
    draft = EventFactory(status=Event.Status.DRAFT, published_at=None)
    with pytest.raises(EventError, match="not open for registration"):
        sign_up(draft)


def test_staff_may_register_someone_who_phoned_while_online_registration_is_closed(staff_user):
    event = EventFactory(registration_closes_at=timezone.now() - timedelta(minutes=1), requires_approval=True)
    registration = registrations.register(event, RegistrationRequest(
        name="Σταύρος Μουσταφά", places=2, phone="697 123 4567", source=Registration.Source.STAFF,
        household_ref="K-0042"), by=staff_user)
    assert registration.status == Registration.Status.CONFIRMED, "staff registrations need no approval"
    assert registration.phone == "6971234567" and registration.created_by == staff_user
    assert taken(event) == 2


def test_required_questions_must_be_answered(sign_up):
    event = EventFactory()
    ages = Question.objects.create(event=event, label_el="Ηλικίες παιδιών", required=True)
    access = Question.objects.create(event=event, label_el="Ανάγκες προσβασιμότητας", required=False)
    with pytest.raises(EventError, match="Please answer"):
        sign_up(event, answers={str(access.pk): "ράμπα"})
    registration = sign_up(event, answers={str(ages.pk): "5, 8", str(access.pk): ""})
    assert registration.answers == {str(ages.pk): "5, 8"}


def test_one_registration_per_contact_and_event(sign_up):
    event = EventFactory()
    sign_up(event, email="maria@example.org")
    with pytest.raises(EventError, match="already registered"):
        sign_up(event, name="Μαρία ξανά", email="MARIA@example.org")
    sign_up(event, phone="6970000001")
    with pytest.raises(EventError, match="already registered"):
        sign_up(event, phone="697 000 0001")


# --- Capacity and the waiting list ---------------------------------------------------------------

def test_database_refuses_overbooking_even_without_the_service():
    event = EventFactory(capacity=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(places_taken=4)


def test_full_event_puts_groups_on_the_waiting_list(sign_up, mailoutbox):
    event = EventFactory(capacity=5)
    family = sign_up(event, "Οικογένεια Αχμέτ", places=4)
    alone = sign_up(event, "Γιάννης", places=1)
    late = sign_up(event, "Οικογένεια Σαλή", places=3)
    assert [family.status, alone.status, late.status] == ["confirmed", "confirmed", "waiting"]
    assert taken(event) == 5
    assert selectors.waiting_position(late) == 1
    assert "λίστα αναμονής" in mailoutbox[-1].subject, "in the language the person registered in"


def test_promotion_in_order_of_the_first_entries_that_fit(sign_up, mailoutbox):
    event = EventFactory(capacity=4)
    first = sign_up(event, "Πρώτη", places=2)
    second = sign_up(event, "Δεύτερη", places=2)
    big = sign_up(event, "Τριμελής", places=3)      # waiting 1st, needs 3
    single = sign_up(event, "Μόνος", places=1)      # waiting 2nd, needs 1
    pair = sign_up(event, "Ζευγάρι", places=2)      # waiting 3rd, needs 2
    assert {r.status for r in (big, single, pair)} == {"waiting"}
    mailoutbox.clear()
    registrations.cancel_registration(first)             # 2 places free: the group of 3 does not fit
    statuses = {r.name: Registration.objects.get(pk=r.pk).status for r in (big, single, pair)}
    assert statuses == {"Τριμελής": "waiting", "Μόνος": "confirmed", "Ζευγάρι": "waiting"}, (
        "the first entry that fits (1 place) moves up; the pair behind it does not fit the 1 place left")
    assert taken(event) == 3
    assert [m.to for m in mailoutbox] == [[single.email]] and "εισιτήριό" in mailoutbox[0].subject
    registrations.cancel_registration(second)           # 3 free: the group of 3 is first in the queue
    assert Registration.objects.get(pk=big.pk).status == "confirmed"
    assert Registration.objects.get(pk=pair.pk).status == "waiting"
    assert taken(event) == 4
    assert selectors.waiting_position(Registration.objects.get(pk=pair.pk)) == 1


def test_leaving_the_waiting_list_moves_the_others_up(sign_up):
    event = EventFactory(capacity=1)
    sign_up(event, places=1)
    a = sign_up(event, "Α", places=1)
    b = sign_up(event, "Β", places=1)
    assert selectors.waiting_position(b) == 2
    registrations.cancel_registration(a)
    assert Registration.objects.get(pk=a.pk).status == "cancelled"
    assert selectors.waiting_position(Registration.objects.get(pk=b.pk)) == 1
    assert taken(event) == 1
    with pytest.raises(EventError, match="already cancelled"):
        registrations.cancel_registration(a)


def test_more_places_promote_the_waiting_list_and_fewer_than_taken_is_refused(staff_user, sign_up, sms_outbox):
    event = EventFactory(capacity=2, max_places_per_registration=2)
    sign_up(event, places=2)
    waiting = sign_up(event, "Αναμονή", places=2, email="", phone="6900000000")
    event.capacity = event.max_places_per_registration = 1
    with pytest.raises(EventError, match="cannot have fewer places"):
        planning.save_event(event, by=staff_user)
    event.refresh_from_db()
    event.capacity = 4
    event.max_places_per_registration = 2
    planning.save_event(event, by=staff_user)
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert taken(event) == 4
    assert sms_outbox and sms_outbox[-1].to == "6900000000" and "/events/r/" in sms_outbox[-1].text


def test_approval_holds_places_and_declining_frees_them(staff_user, sign_up, mailoutbox):
    event = EventFactory(capacity=2, requires_approval=True)
    pending = sign_up(event, "Περιμένει έγκριση", places=2)
    waiting = sign_up(event, "Αναμονή", places=1)
    assert pending.status == "pending" and waiting.status == "waiting"
    assert taken(event) == 2
    registrations.decline_registration(pending, by=staff_user, reason="Μόνο για ωφελούμενους.")
    assert Registration.objects.get(pk=waiting.pk).status == "pending", "promoted, still needs approval"
    assert taken(event) == 1
    registrations.approve_registration(Registration.objects.get(pk=waiting.pk), by=staff_user)
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert any("Μόνο για ωφελούμενους." in m.body for m in mailoutbox)
    with pytest.raises(EventError):
        registrations.approve_registration(Registration.objects.get(pk=waiting.pk), by=staff_user)


def test_no_promotion_once_the_event_has_started(sign_up):
    event = EventFactory(capacity=1)
    sign_up(event)
    waiting = sign_up(event)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    registrations.cancel_registration(Registration.objects.filter(event=event, status="confirmed").get(),
                                      by=event.created_by or _staff())
    assert Registration.objects.get(pk=waiting.pk).status == "waiting"


def _staff():
    from tests.factories import UserFactory

    return UserFactory(role="staff")


# --- Cancelling, messages, reminders -------------------------------------------------------------

def test_cancelling_the_event_tells_everyone_in_their_language(staff_user, sign_up, mailoutbox, sms_outbox):
    event = EventFactory(capacity=1)
    sign_up(event, "Confirmed", email="a@example.org", language="en")
    sign_up(event, "Σε αναμονή", email="", phone="6911111111")
    mailoutbox.clear()
    sms_outbox.clear()
    told = planning.cancel_event(event, reason="Ο χώρος δεν είναι διαθέσιμος.", by=staff_user)
    assert told == 2
    assert taken(event) == 0
    assert set(event.registrations.values_list("status", flat=True)) == {"cancelled"}
    assert mailoutbox[0].subject.startswith("Cancelled:") and "Ο χώρος" in mailoutbox[0].body
    assert sms_outbox[0].text.startswith("Ακυρώθηκε:") and "Λυπούμαστε" in sms_outbox[0].text
    with pytest.raises(EventError):
        planning.cancel_event(event, reason="", by=staff_user)


def test_message_everyone_registered(staff_user, sign_up, mailoutbox):
    event = EventFactory(capacity=1)
    sign_up(event, email="confirmed@example.org")
    sign_up(event, email="waiting@example.org")
    mailoutbox.clear()
    count = registrations.message_registrations(event, subject="Αλλαγή αίθουσας", text="Αίθουσα 2.",
                                                statuses=["confirmed"], by=staff_user)
    assert count == 1 and mailoutbox[0].to == ["confirmed@example.org"]
    assert "/events/r/" in mailoutbox[0].body


def test_reminders_go_once_the_day_before(sign_up, mailoutbox):
    tomorrow = timezone.localtime() + timedelta(days=1)
    event = EventFactory(starts_at=tomorrow.replace(hour=10, minute=0), registration_closes_at=None)
    later = EventFactory()
    confirmed = sign_up(event)
    sign_up(later)
    event.refresh_from_db()
    mailoutbox.clear()
    from django.core.management import call_command

    call_command("send_event_reminders")
    call_command("send_event_reminders")
    assert [m.to for m in mailoutbox] == [[confirmed.email]]
    assert "Υπενθύμιση" in mailoutbox[0].subject


def test_confirmation_mail_carries_a_decodable_ticket_qr(sign_up, mailoutbox):
    import io

    import zxingcpp
    from PIL import Image

    registration = sign_up(EventFactory())
    message = mailoutbox[0]
    assert registration.manage_token in message.body
    html = message.alternatives[0][0]
    assert "cid:ticket-qr" in html
    image = next(a for a in message.attachments if getattr(a, "get_content_type", lambda: "")() == "image/png")
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.get_payload(decode=True))))
    assert [d.text for d in decoded] == [registration.ticket_code]
    assert registration.name not in registration.ticket_code


def test_tokens_are_unguessable_and_distinct(sign_up):
    event = EventFactory(capacity=50)
    registrations = [sign_up(event) for _ in range(20)]
    tokens = {r.manage_token for r in registrations}
    codes = {r.ticket_code for r in registrations}
    assert len(tokens) == 20 and len(codes) == 20
    assert all(len(t) >= 22 for t in tokens), "128 bits, URL-safe base64: unguessable, and short enough for an SMS"
    assert all(len(c) == len("EVT-") + 24 for c in codes), "120 bits in base32"
    assert tokens.isdisjoint(codes)


def test_staff_cancelling_a_registration_tells_the_person(staff_user, sign_up, mailoutbox):
    event = EventFactory()
    registration = sign_up(event, email="x@example.org")
    mailoutbox.clear()
    registrations.cancel_registration(registration, by=staff_user)
    assert [m.to for m in mailoutbox] == [["x@example.org"]]
    assert "Ακύρωση εγγραφής" in mailoutbox[0].subject


@pytest.mark.parametrize("typed", [
    "{code}", " {lower}\n", "https://kypseli.example.org/t/{code}/", "{greek}",
])
def test_scanner_noise_and_a_greek_keyboard_layout_still_find_the_ticket(volunteer_user, sign_up, typed):
    import uuid

    event = EventFactory()
    registration = sign_up(event)
    code = registration.ticket_code
    latin_to_greek = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ΑΒΨΔΕΦΓΗΙΞΚΛΜΝΟΠ;ΡΣΤΘΩςΧΥΖ")
    scanned = typed.format(code=code, lower=code.lower(), greek=code.translate(latin_to_greek))
    result = door.check_in_ticket(event, scanned, request_id=uuid.uuid4(), by=volunteer_user)
    assert result.outcome == "checked_in", scanned


# --- After the event: anonymising registrations ---------------------------------------------------

def test_registrations_of_long_past_events_lose_their_people_but_not_the_figures(sign_up, staff_user):
    import io

    from django.core.management import call_command

    old, recent = EventFactory(capacity=10), EventFactory(capacity=10)
    came = sign_up(old, "Ελένη Σαλή", places=3, phone="6911111111", household_ref="KC-000123")
    sign_up(old, "Νίκος Αθανασίου", places=2)
    door.set_checked_in(came, True, by=staff_user)
    Registration.objects.filter(pk=came.pk).update(staff_note="ήρθε με τη γιαγιά")
    kept = sign_up(recent, "Ζωή Παπά")
    now = timezone.now()
    for event, days in ((old, 200), (recent, 10)):
        Event.objects.filter(pk=event.pk).update(starts_at=now - timedelta(days=days, hours=2),
                                                 ends_at=now - timedelta(days=days))
    day = timezone.localdate(now - timedelta(days=200, hours=2))
    before = list(selectors.attendance_by_event(day, day).values(
        "confirmed_places", "attended_places", "registrations_count", "households_reached"))
    assert before and (before[0]["attended_places"], before[0]["households_reached"]) == (3, 1)
    old_link = came.manage_token

    assert retention.anonymise_past_registrations(older_than_days=180, by=staff_user) == 2
    for registration in Registration.objects.filter(event=old):
        assert (registration.name, registration.phone, registration.email, registration.answers,
                registration.staff_note) == ("", "", "", {}, "")
        assert registration.anonymised_at is not None
        assert "σαλη" not in registration.search_text and "6911111111" not in registration.search_text
    came.refresh_from_db()
    assert (came.places, came.status, came.household_ref, hasattr(came, "checkin")) == (
        3, Registration.Status.CONFIRMED, "KC-000123", True)
    assert selectors.registration_by_link(old_link) is None  # the private link no longer opens it
    assert list(selectors.attendance_by_event(day, day).values(
        "confirmed_places", "attended_places", "registrations_count", "households_reached")) == before
    kept.refresh_from_db()
    assert kept.name == "Ζωή Παπά" and kept.anonymised_at is None
    assert AuditLog.objects.filter(object_id=str(old.pk), changes__has_key="registrations anonymised").count() == 1
    from core.message_models import OutboundMessage

    about_old = OutboundMessage.objects.filter(about_id__in=[str(r.pk) for r in old.registrations.all()])
    assert about_old.exists() and not about_old.exclude(recipient="").exists()  # the tickets forget them too
    assert OutboundMessage.objects.filter(about_id=str(kept.pk)).exclude(recipient="").exists()

    assert retention.anonymise_past_registrations(older_than_days=180) == 0  # idempotent
    out = io.StringIO()
    call_command("purge_event_registrations", "--older-than", "5", stdout=out)
    assert ": 1 registrations anonymised" in out.getvalue()
    kept.refresh_from_db()
    assert kept.name == "" and kept.anonymised_at is not None


def test_only_an_anonymised_registration_may_lack_a_contact(sign_up):
    registration = sign_up(EventFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(email="", phone="")
    Registration.objects.filter(pk=registration.pk).update(email="", phone="", anonymised_at=timezone.now())


def test_staff_see_an_anonymised_registration_as_such(staff_client, sign_up):
    from django.urls import reverse

    event = EventFactory()
    registration = sign_up(event, "Ελένη Σαλή")
    Registration.objects.filter(pk=registration.pk).update(name="", email="", anonymised_at=timezone.now())
    listing = staff_client.get(reverse("events:registrations", args=[event.pk])).content.decode()
    detail = staff_client.get(reverse("events:staff_registration", args=[registration.pk])).content.decode()
    assert "Σαλή" not in listing and "ανωνυμοποιήθηκε" in listing
    assert "ανωνυμοποιήθηκε" in detail
