"""A wide table on a phone scrolls inside its own region, and a keyboard reaches that region and scrolls it
(axe's scrollable-region-focusable): the household's members, 7 columns on a 390 px screen."""

import pytest
from playwright.sync_api import expect

from tests.distribution.days_helpers import household
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_keyboard_reaches_and_scrolls_a_wide_table_on_a_phone(browser, live_server, login_as):
    hh, _card, _code = household(size=3, first_name="Αϊσέ")
    context = browser.new_context(base_url=live_server.url, locale="el-GR", viewport={"width": 390, "height": 844})
    try:
        login_as(UserFactory(role="staff"), ctx=context)
        page = context.new_page()
        page.goto(f"/distribution/households/{hh.pk}/")
        region = page.get_by_role("region", name="Πίνακας").first
        expect(region).to_be_visible()
        assert region.evaluate("(el) => el.scrollWidth > el.clientWidth"), "the members table is wider than a phone"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page itself does not scroll"
        for _ in range(80):  # Tab, as a keyboard user would, until the table's region has the focus
            page.keyboard.press("Tab")
            if region.evaluate("(el) => el === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reached the table's region")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(region).not_to_have_js_property("scrollLeft", 0)
    finally:
        context.close()
