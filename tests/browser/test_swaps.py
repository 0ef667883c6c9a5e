"""Swaps on a phone: a volunteer offers their shift from "My shifts" with a reason; the first
candidate opens the link of the message (not signed in) and takes it with one button; the
coordinator's board shows who took it. axe-core on each page."""

import re

import pytest

from core import messaging
from tests.factories import UserFactory
from tests.volunteers.factories import ShiftFactory, VolunteerFactory, available_always
from volunteers.models import Assignment, SwapOffer
from volunteers.services import signups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quiet_sms(settings):
    settings.SMS_BACKEND = "locmem"
    settings.VOLUNTEER_MIN_REST_HOURS = 0
    messaging.outbox.clear()


def test_a_shift_offered_on_a_phone_is_taken_from_the_link(browser, live_server, phone_context, login_as, page,
                                                            axe_check, mailoutbox):
    coordinator = UserFactory(role="coordinator", username="coord")
    shift = ShiftFactory(max_people=1, description="Διανομή τροφίμων στο Παράρτημα")
    leaving = available_always(VolunteerFactory(first_name="Ελένη", last_name="Σαλή"))
    taker = available_always(VolunteerFactory(first_name="Νίκος", last_name="Παπαδόπουλος"))
    assignment = signups.confirm(signups.assign(shift, leaving, by=None, quiet=True))

    phone = phone_context.new_page()
    login_as(leaving.user, ctx=phone_context)
    phone.goto("/volunteers/me/")
    axe_check(phone)
    offer_button = phone.get_by_test_id("offer-shift")
    assert offer_button.bounding_box()["height"] >= 44
    offer_button.click()
    phone.get_by_label("Γιατί δεν μπορείτε να έρθετε").fill("Γιατρός")
    axe_check(phone)
    phone.get_by_role("button", name="Βρείτε κάποιον να την αναλάβει").click()
    phone.get_by_text("Ρωτάμε άλλους").first.wait_for()
    assert phone.get_by_test_id("offered").count() == 1
    assert SwapOffer.objects.get().reason == "Γιατρός"

    # The candidate, on another phone and not signed in, opens the link of the e-mail.
    body = [m for m in mailoutbox if m.to == [taker.email]][-1].body
    link = re.search(r"https?://\S+/volunteers/swap/\S+/", body).group(0)
    other = phone_context.browser.new_context(base_url=live_server.url, locale="el-GR",
                                              viewport={"width": 360, "height": 740}, is_mobile=True,
                                              has_touch=True)
    answer = other.new_page()
    answer.goto("/volunteers/" + link.split("/volunteers/", 1)[1])
    axe_check(answer)
    assert "Διανομή τροφίμων στο Παράρτημα" in answer.get_by_test_id("swap-shift").inner_text()
    yes = answer.get_by_test_id("swap-accept")
    assert yes.bounding_box()["height"] >= 44
    assert answer.evaluate("document.documentElement.scrollWidth") <= 360
    yes.click()
    answer.get_by_test_id("swap-done").wait_for()
    axe_check(answer)
    other.close()
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"
    assert Assignment.objects.get(shift=shift, volunteer=taker).status == "confirmed"

    login_as(coordinator)
    page.goto("/volunteers/")
    assert "την ανέλαβε: Νίκος Παπαδόπουλος" in page.get_by_test_id(f"offer-{shift.pk}").inner_text()
    page.goto(f"/volunteers/shifts/{shift.pk}/")
    axe_check(page)
    assert "Την ανέλαβε: Νίκος Παπαδόπουλος." in page.get_by_test_id("taken-by").inner_text()
