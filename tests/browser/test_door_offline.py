"""The event door when the network drops, with the scan station's offline machinery (kind "ticket"):
tickets are let in from the door's manifest, a ticket scanned twice here is not let in twice, and when
the network is back each check-in reaches the server once; two doors letting the same ticket in
offline end with one check-in and one offline check-in flagged for the organiser."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import CheckIn, OfflineCheckIn
from events.services import registrations
from events.services.registrations import RegistrationRequest
from tests.browser.test_station_offline import KEPT, expect_answer, wait_until, waiting
from tests.events.factories import EventFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIELD = "Σαρώστε το εισιτήριο ή πληκτρολογήστε τον κωδικό"
READY = ("() => { const r = document.querySelector('[data-scan-station]');"
         " return Boolean(r && r.scanStation && r.scanStation.offline && r.scanStation.offline.canDecide()); }")


def ticket(event, name, n=[0]):  # noqa: B006 - a counter for unique e-mails
    n[0] += 1
    return registrations.register(event, RegistrationRequest(name=name, places=2, email=f"d{n[0]}@example.org",
                                                             consent=True))


def open_door(page, event):
    page.goto(f"/events/door/{event.pk}/")
    wait_until(page, READY)
    return page


def scan(page, code):
    field = page.get_by_label(FIELD)
    field.fill(code)
    field.press("Enter")


def test_door_lets_in_offline_once_and_syncs(context, page, login_as):
    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=30))
    first, second = ticket(event, "Ζωή Παππά"), ticket(event, "Άννα Κ.")
    login_as(UserFactory(username="door", role="volunteer"))
    open_door(page, event)
    context.set_offline(True)
    scan(page, first.ticket_code)
    expect_answer(page, "ok", offline=True, text="Ζωή Παππά")
    page.wait_for_timeout(1600)
    scan(page, first.ticket_code)
    expect_answer(page, "warn", offline=True, text="Ζωή Παππά")
    scan(page, second.ticket_code.lower())
    expect_answer(page, "ok", offline=True, text="2")
    waiting(page, 3)
    assert not CheckIn.objects.exists()
    context.set_offline(False)
    waiting(page, 0)
    assert sorted(CheckIn.objects.values_list("registration_id", flat=True)) == sorted([first.pk, second.pk])
    assert not OfflineCheckIn.objects.exists()


def test_two_doors_offline_let_the_same_ticket_in(browser, live_server, login_as):
    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=30))
    registration = ticket(event, "Ζωή Παππά")
    contexts, pages = [], []
    try:
        for number in (1, 2):
            ctx = browser.new_context(base_url=live_server.url, locale="el-GR")
            contexts.append(ctx)
            login_as(UserFactory(username=f"door{number}", role="volunteer"), ctx)
            pages.append(open_door(ctx.new_page(), event))
        for ctx, page in zip(contexts, pages, strict=True):
            ctx.set_offline(True)
            scan(page, registration.ticket_code)
            expect_answer(page, "ok", offline=True)
        for ctx, page in zip(contexts, pages, strict=True):
            ctx.set_offline(False)
            waiting(page, 0)
        assert CheckIn.objects.filter(registration=registration).count() == 1
        assert OfflineCheckIn.objects.filter(registration=registration).count() == 1
    finally:
        for ctx in contexts:
            ctx.close()


def test_the_door_opens_again_offline_and_its_kept_page_names_nobody(context, page, login_as):
    event = EventFactory(starts_at=timezone.now() + timedelta(minutes=30))
    first = ticket(event, "Ζωή Παππά")
    login_as(UserFactory(username="door2", role="volunteer"))
    open_door(page, event)
    expect(page.locator("#door-list")).to_contain_text("Ζωή Παππά")  # the list, fetched after the frame
    wait_until(page, KEPT)
    wait_until(page, "() => Boolean(navigator.serviceWorker.controller)")
    kept = page.evaluate("""async () => { const texts = []; for (const name of await caches.keys()) {
        const cache = await caches.open(name); for (const r of await cache.keys()) {
          texts.push(await (await cache.match(r)).text()); } } return texts.join('\\n'); }""")
    assert "Ζωή Παππά" not in kept and "door2" not in kept
    context.set_offline(True)
    page.reload()
    wait_until(page, READY)
    scan(page, first.ticket_code)
    expect_answer(page, "ok", offline=True, text="Ζωή Παππά")
    context.set_offline(False)
    waiting(page, 0)
    assert list(CheckIn.objects.values_list("registration_id", flat=True)) == [first.pk]
