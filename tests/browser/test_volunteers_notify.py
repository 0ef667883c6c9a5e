"""The coordinator chooses how she is told, from the board, with the keyboard-usable form; axe-core."""

import pytest

from core.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_chooses_sms_and_the_morning_email(page, login_as, axe_check):
    coordinator = login_as(UserFactory(role="coordinator", username="coord", email="coord@example.org"))
    page.goto("/volunteers/")
    page.get_by_test_id("notify-choice").click()
    page.wait_for_url("**/volunteers/notifications/")
    axe_check(page)
    page.get_by_label("Με SMS, αμέσως").check()
    page.get_by_role("button", name="Αποθήκευση").click()
    assert "Για SMS χρειάζεται ο αριθμός του κινητού σας" in page.content()  # refused, nothing lost
    assert page.get_by_label("Με SMS, αμέσως").is_checked()
    page.get_by_label("κινητό τηλέφωνο (για SMS)").fill("6971234567")
    page.get_by_label("Στείλτε μου επίσης πρωινό e-mail", exact=False).check()
    page.get_by_role("button", name="Αποθήκευση").click()
    page.wait_for_url("**/volunteers/")
    assert "και πρωινό e-mail" in page.get_by_test_id("notify-choice").inner_text()
    coordinator = User.objects.get(pk=coordinator.pk)
    assert (coordinator.notify_by, coordinator.daily_digest, coordinator.phone) == ("sms", True, "6971234567")
