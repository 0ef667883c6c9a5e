"""What the coordinator and the organiser follow up after stations worked offline, in a real browser:
the live view's figure and list, the day report's section, the door page's and the event page's list
of tickets let in twice; axe-core finds no serious problem on them."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from distribution.services.offline import record_offline_scan
from distribution.services.scans import record_scan
from events.services import door
from events.services.door_offline import record_offline_checkin
from events.services.registrations import RegistrationRequest, register
from tests.distribution.days_helpers import day_with_basket, household
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quiet_messages(settings):
    settings.SMS_BACKEND = "locmem"
    cache.clear()


def test_the_coordinator_sees_the_offline_double_collection(page, login_as, axe_check):
    day, _items = day_with_basket()
    _hh, card, code = household(day.programme, size=2)
    first = UserFactory(username="t1", first_name="Ελένη", last_name="Παππά", role="volunteer")
    second = UserFactory(username="t2", first_name="Γιώργος", last_name="Κ.", role="volunteer")
    record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=first)
    record_offline_scan(day_id=day.pk, code=code, station="Τραπέζι 3", request_id=str(uuid.uuid4()), by=second,
                        made_at=timezone.now() - timedelta(minutes=2))
    login_as(UserFactory(username="office", role="staff"))
    page.goto(f"/distribution/days/{day.pk}/live/")
    expect(page.locator('[data-figure="offline-handouts"]')).to_have_text("1")
    expect(page.locator('[data-figure="refused"]')).to_have_text("0")
    expect(page.get_by_test_id("offline-conflicts")).to_contain_text(card.display_number)
    axe_check(page)
    page.goto(f"/distribution/days/{day.pk}/report/")
    section = page.get_by_test_id("report-conflicts")
    for text in ("Τραπέζι 1", "Τραπέζι 3", "Ελένη Παππά", "Γιώργος Κ.", card.display_number):
        expect(section).to_contain_text(text)
    axe_check(page)


def test_the_organiser_sees_a_ticket_let_in_twice(page, login_as, axe_check):
    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=30))
    ticket = register(event, RegistrationRequest(name="Νίκος Αθανασίου", places=2, email="n@example.org",
                                                 consent=True))
    staff = UserFactory(username="office", first_name="Άννα", last_name="Σ.", role="staff")
    door.check_in_ticket(event, ticket.ticket_code, request_id=uuid.uuid4(), by=staff, door_name="Κεντρική είσοδος")
    record_offline_checkin(event_id=event.pk, code=ticket.ticket_code, request_id=uuid.uuid4(),
                           by=UserFactory(username="back", role="volunteer"),
                           made_at=timezone.now() - timedelta(minutes=1), door_name="Πίσω πόρτα")
    login_as(staff)
    for url in (f"/events/door/{event.pk}/", f"/events/staff/{event.pk}/"):
        page.goto(url)
        listed = page.get_by_test_id("offline-checkins")
        for text in ("Νίκος Αθανασίου", "Κεντρική είσοδος", "Πίσω πόρτα", "Άννα Σ."):
            expect(listed).to_contain_text(text)
        axe_check(page)
