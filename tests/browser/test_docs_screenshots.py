"""The pictures in the docs, made by this test on a 390 × 844 phone: the header with the menu closed and
open, and the scan station's answers (local first: being confirmed, confirmed, changed by the server).
The test also checks what the pictures are meant to show: the answer is readable from a metre (the word
to act on in large type, an icon, its own colour) and in view without scrolling.

`KYPSELI_SCREENSHOTS=docs/img pytest tests/browser/test_docs_screenshots.py` writes them into the docs;
otherwise they go to a temporary folder and the repository is left alone.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser import held_scans
from tests.browser.test_station_local_first import (
    FRESH,
    collected_at_another_table,
    no_news,
    planned_a_while_ago,
    wait_until,
)
from tests.distribution.days_helpers import day_with_basket, household, open_around_now
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 1,
         "service_workers": "block"}  # the test's routes see the station's requests (a worker's they would not)
# Large enough to read from a metre on a phone held at a table: 36 CSS px is about 6 mm on a phone screen.
ACTION_MIN_PX = 36

ANSWER = """(el) => {
  const action = el.querySelector('.scan-action');
  const style = getComputedStyle(action);
  return {fontSize: parseFloat(style.fontSize), fontWeight: Number(style.fontWeight),
          icon: getComputedStyle(action, '::before').content, word: action.textContent.trim(),
          background: getComputedStyle(el).backgroundColor, bottom: el.getBoundingClientRect().bottom,
          height: window.innerHeight};
}"""


@pytest.fixture
def out_dir(tmp_path):
    folder = os.environ.get("KYPSELI_SCREENSHOTS")
    path = Path(settings.BASE_DIR) / folder if folder else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def phone_page(browser, live_server, login_as):
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, locale="el-GR", **PHONE)
        context.set_default_timeout(10_000)
        contexts.append(context)
        login_as(user, ctx=context)
        return context.new_page()

    yield open_as
    for context in contexts:
        for page in context.pages:  # a route still answering when the context closes is left alone
            page.unroute_all(behavior="ignoreErrors")
        context.close()


def test_the_phone_header_closed_and_open(phone_page, out_dir):
    from core.demo import CENTRE
    from tests.factories import centre_details

    centre_details(**CENTRE)
    page = phone_page(UserFactory(role="coordinator", first_name="Τριανταφυλλιά", last_name="Τζάφου"))
    page.goto("/")
    expect(page.get_by_role("link", name="Μενού", exact=True)).to_be_visible()
    page.screenshot(path=out_dir / "phone-header.png")
    page.get_by_role("link", name="Μενού", exact=True).click()
    expect(page.locator("#main-menu")).to_be_visible()
    page.screenshot(path=out_dir / "phone-menu-open.png")


def test_the_station_answer_is_readable_from_a_metre(phone_page, out_dir, settings):
    settings.ROOT_URLCONF = "tests.browser.held_scans"  # the server's answer is held for the first picture
    held_scans.held.clear()
    day, _items = day_with_basket()
    planned_a_while_ago(open_around_now(day))  # the list's updates say nothing of the other table (no_news)
    _hh, _card, code = household(day.programme, size=3, first_name="Αϊσέ")
    _other, _other_card, other_code = household(day.programme, size=2, first_name="Φατμέ")
    page = phone_page(UserFactory(role="volunteer"))
    page.goto(f"/distribution/station/{day.pk}/?station=Τραπέζι 1")
    wait_until(page, FRESH)
    no_news(page)
    collected_at_another_table(day, other_code)  # the list on the phone does not know it yet
    result = page.get_by_test_id("scan-result")
    answers = {}
    held_scans.held.add(code)
    page.keyboard.type(code + "\n", delay=5)
    expect(result).to_have_attribute("data-confirm", "pending")
    page.screenshot(path=out_dir / "station-confirming.png")
    held_scans.held.clear()
    for level, picture, scanned, confirm in [("ok", "station-give.png", None, "confirmed"),
                                             ("bad", "station-do-not-give.png", code, "confirmed"),
                                             ("bad", "station-changed.png", other_code, "changed")]:
        if scanned:
            page.wait_for_timeout(1700)  # the same card again (the station ignores a double read within 1.5 s)
            page.keyboard.type(scanned + "\n", delay=5)
        expect(result).to_have_attribute("data-confirm", confirm)
        expect(result).to_have_attribute("data-level", level)
        answers[picture] = result.evaluate(ANSWER)
        page.screenshot(path=out_dir / picture)
    ok, bad, changed = answers["station-give.png"], answers["station-do-not-give.png"], answers["station-changed.png"]
    assert ok["word"] == "Δώστε" and bad["word"] == "Μην δώσετε" and changed["word"] == "Μην δώσετε"
    for answer in (ok, bad, changed):
        assert answer["fontSize"] >= ACTION_MIN_PX and answer["fontWeight"] >= 700, answer
        assert answer["icon"] not in ("none", "normal", '""'), answer  # an icon besides the colour
        assert answer["bottom"] <= answer["height"], answer  # in view without scrolling
    assert ok["icon"] != bad["icon"] and ok["background"] != bad["background"]
