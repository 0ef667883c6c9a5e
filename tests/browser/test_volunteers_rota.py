"""The rota grid in Chromium: the coordinator's week with names and open places, moved to the next
week and to the month; printed, it shows the grid without navigation, buttons or filters, and fits
the width of an A4 page in landscape. A volunteer's own month grid. axe-core on both."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from core import messaging
from tests.factories import LocationFactory, UserFactory
from tests.volunteers.factories import ShiftFactory, VolunteerFactory, available_always
from volunteers.services import signups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A4 landscape (297 mm) less 10 mm margins each side, at the 96 px per inch of CSS.
A4_LANDSCAPE_PRINTABLE_PX = round((297 - 20) / 25.4 * 96)


@pytest.fixture(autouse=True)
def quiet_sms(settings):
    settings.SMS_BACKEND = "locmem"
    messaging.outbox.clear()


def at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def test_coordinator_rota_week_and_month_with_names_and_a_print_view_without_buttons(page, login_as, axe_check):
    login_as(UserFactory(role="coordinator", username="coord"))
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    names = [("Ελένη", "Σαλή"), ("Αϊσέ", "Μουσταφά"), ("Νίκος", "Αλιόγλου"), ("Σοφία", "Παπαδοπούλου-Χατζηγεωργίου")]
    people = [VolunteerFactory(first_name=first, last_name=last) for first, last in names]
    place = LocationFactory(name="Κέντρο Κοινότητας Δράμας")
    for offset in range(7):
        day = monday + timedelta(days=offset)
        for hour in (8, 13):
            shift = ShiftFactory(location=place, starts_at=at(day, hour), ends_at=at(day, hour + 4), min_people=2,
                                 max_people=4)
            for volunteer in people[:2 + (offset % 3)]:
                signups.assign(shift, volunteer, by=None, quiet=True)
    page.goto(f"/volunteers/rota/?date={monday.isoformat()}")
    grid = page.get_by_test_id("rota-grid")
    assert grid.locator("tbody tr").count() == 2 and grid.locator("thead th").count() == 8
    assert page.get_by_test_id("rota-shift").count() == 14
    assert grid.get_by_text("Σοφία Παπαδοπούλου-Χατζηγεωργίου (?)").count() == 2 * 2
    assert grid.get_by_text("2 θέσεις ελεύθερες").count() > 0
    axe_check(page)

    page.set_viewport_size({"width": A4_LANDSCAPE_PRINTABLE_PX, "height": 740})
    page.emulate_media(media="print")
    assert grid.is_visible()
    for selector in ["header.site-header", "nav.subnav", "nav.rota-tools", "form.filters", "p.exports",
                     "footer.site-footer"]:
        assert page.locator(selector).first.is_hidden(), f"{selector} is printed"
    visible_buttons = page.evaluate(
        "() => [...document.querySelectorAll('button, a.button, .rota-link')]"
        ".filter(e => e.getClientRects().length > 0)"
        ".map(e => e.textContent.trim())")
    assert visible_buttons == []
    width = page.evaluate("() => document.querySelector('[data-testid=rota-grid]').scrollWidth")
    assert width <= A4_LANDSCAPE_PRINTABLE_PX, f"the week grid is {width}px wide in print"
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_test_id("rota-next").click()
    page.wait_for_url("**date=*")
    assert page.get_by_test_id("rota-shift").count() == 0
    page.get_by_role("link", name="Μήνας").click()
    page.wait_for_url("**view=month*")
    assert page.get_by_test_id("rota-grid").locator("tbody tr").count() >= 4
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_LANDSCAPE_PRINTABLE_PX, "height": 740})
    width = page.evaluate("() => document.querySelector('[data-testid=rota-grid]').scrollWidth")
    assert width <= A4_LANDSCAPE_PRINTABLE_PX, f"the month grid is {width}px wide in print"


def test_volunteer_month_grid_offers_open_shifts(phone_context, login_as, axe_check):
    volunteer = available_always(VolunteerFactory(first_name="Ελένη", last_name="Σαλή"))
    login_as(volunteer.user, phone_context)
    later = timezone.localdate() + timedelta(days=40)
    shift = ShiftFactory(starts_at=at(later, 9), ends_at=at(later, 13))
    page = phone_context.new_page()
    page.goto(f"/volunteers/me/rota/?date={later.isoformat()}")
    card = page.locator(f'[data-shift="{shift.pk}"]')
    assert card.is_visible() and "2 θέσεις ελεύθερες" in card.inner_text()
    axe_check(page)
    card.get_by_role("link").click()
    page.get_by_role("button", name="Την αναλαμβάνω").click()
    page.wait_for_url("**/volunteers/me/")
    assert shift.assignments.filter(volunteer=volunteer, status="confirmed").exists()
