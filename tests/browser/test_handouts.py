"""At phone size, a staff member records an emergency hand-out from the home page: search, pick,
confirm. The steps' times are printed (the target is under 30 seconds); the test asserts the path."""

import re
import time

import pytest
from playwright.sync_api import expect

from distribution.models import Handout
from tests.distribution.days_helpers import day_with_basket, household, programme
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_emergency_hand_out_from_the_home_page_on_a_phone(phone_context, login_as, axe_check):
    prog = programme()
    day, _items = day_with_basket(prog=prog)
    hh, _card, _code = household(prog, size=2, first_name="Αϊσέ", last_name="Χουσεΐν")
    login_as(UserFactory(role="staff"), ctx=phone_context)
    page = phone_context.new_page()
    page.goto("/")
    steps = {}
    started = time.monotonic()
    page.get_by_test_id("home-handout").click()
    steps["open"] = time.monotonic() - started
    page.get_by_label("Όνομα, αριθμός κάρτας ή σάρωση κάρτας").fill("Housein")
    page.get_by_role("button", name="Αναζήτηση").click()
    steps["search"] = time.monotonic() - started
    page.get_by_role("link", name=re.compile("Επιλογή: .*Αϊσέ")).click()
    expect(page.get_by_test_id("desk-answer")).to_contain_text("Αϊσέ")
    expect(page.get_by_test_id("desk-answer")).to_contain_text("Ρύζι 1 kg")
    steps["pick"] = time.monotonic() - started
    page.get_by_test_id("confirm-handout").click()
    expect(page.get_by_text("Η διανομή καταχωρίστηκε")).to_be_visible()
    steps["confirm"] = time.monotonic() - started
    handout = Handout.objects.get()
    assert handout.household_id == hh.pk and handout.kind == "emergency" and handout.location == day.location
    print("emergency hand-out at phone size, seconds from the home page: "
          + ", ".join(f"{step} {seconds:.2f}" for step, seconds in steps.items()))
    axe_check(page)
