"""On a phone the navigation is one "Μενού" button before the content (it works without JavaScript);
at a desk the whole navigation stays in the header."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_coordinators_phone_shows_one_menu_button_then_the_menu(browser, live_server, login_as, axe_check,
                                                                 javascript):
    context = browser.new_context(base_url=live_server.url, locale="el-GR", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True, java_script_enabled=javascript)
    try:
        login_as(UserFactory(role="coordinator"), ctx=context)
        page = context.new_page()
        page.goto("/")
        menu = page.locator("#main-menu")
        expect(menu).to_be_hidden()
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 160, header  # was about 470 px of links before any content
        page.get_by_role("link", name="Μενού", exact=True).click()
        expect(menu).to_be_visible()
        expect(menu.get_by_role("link", name="Νοικοκυριά")).to_be_visible()
        if javascript:
            axe_check(page)
        page.get_by_role("link", name="Κλείσιμο του μενού").click()
        expect(menu).to_be_hidden()
    finally:
        context.close()


def test_a_desk_keeps_the_whole_navigation(page, login_as):
    login_as(UserFactory(role="coordinator"))
    page.goto("/")
    expect(page.locator("#main-menu")).to_be_visible()
    expect(page.get_by_role("link", name="Μενού", exact=True)).to_be_hidden()
