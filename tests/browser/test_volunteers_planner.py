"""The coordinator proposes a plan for two weeks, reads why each person was chosen, accepts it all,
and the board shows every minimum covered. axe-core on the planner's pages."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from core import messaging
from tests.factories import LocationFactory, UserFactory
from tests.volunteers.factories import ShiftFactory, VolunteerFactory, available_always
from volunteers.models import Shift, VolunteerLanguage
from volunteers.services.shifts import span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quiet_sms(settings):
    settings.SMS_BACKEND = "locmem"
    messaging.outbox.clear()


def test_coordinator_plans_two_weeks_and_the_board_is_covered(page, login_as, axe_check):
    login_as(UserFactory(role="coordinator", username="coord"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    centre, branch = LocationFactory(name="Κέντρο Κοινότητας"), LocationFactory(name="Παράρτημα Ρομά")
    for n in range(6):
        starts_at, ends_at = span(tomorrow + timedelta(days=2 * n), time(9), time(13))
        ShiftFactory(location=branch if n % 2 else centre, starts_at=starts_at, ends_at=ends_at,
                     min_people=1 + n % 2, max_people=3, languages_needed=["rom"] if n % 2 else [])
    speaker = available_always(VolunteerFactory(first_name="Αϊσέ", last_name="Μουσταφά"))
    VolunteerLanguage.objects.create(volunteer=speaker, language="rom", level="native")
    for first, last in (("Νίκος", "Παπαδόπουλος"), ("Ελένη", "Σαλή"), ("Σοφία", "Δημητρίου")):
        available_always(VolunteerFactory(first_name=first, last_name=last))

    page.goto("/volunteers/")
    assert "3 βάρδιες με έλλειψη ατόμων" not in page.get_by_test_id("short-count").inner_text()
    page.get_by_test_id("plan-link").click()
    page.wait_for_url("**/volunteers/plans/")
    axe_check(page)
    page.locator("#id_starts_on").fill(tomorrow.isoformat())
    page.locator("#id_weeks").fill("2")
    page.get_by_test_id("propose").click()
    page.wait_for_url("**/volunteers/plans/*/")
    axe_check(page)
    text = page.locator("main").inner_text()
    assert "Συνήθως διαθέσιμος/η" in text and "δίκαιο μερίδιο" in text
    assert "Μιλά τη γλώσσα που χρειάζεται η βάρδια: Ρομανί" in text  # the branch's shifts get the speaker
    assert "αποδεδειγμένα το καλύτερο" in page.get_by_test_id("plan-status").inner_text()
    page.get_by_test_id("publish-all").click()
    page.locator(".message-success").filter(has_text="Δημοσιεύτηκε:").wait_for()

    page.goto("/volunteers/")
    axe_check(page)
    assert "0 βάρδιες με έλλειψη ατόμων" in page.get_by_test_id("short-count").inner_text()
    for shift in Shift.objects.all():
        badge = page.get_by_test_id(f"fill-{shift.pk}")
        assert "badge-bad" not in badge.get_attribute("class"), badge.inner_text()
        assert shift.booked >= shift.min_people
    page.goto("/volunteers/fairness/")
    axe_check(page)
    assert page.get_by_test_id("fair-chart").is_visible()
