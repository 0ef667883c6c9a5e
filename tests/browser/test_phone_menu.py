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


@pytest.mark.parametrize(("role", "shortcuts"), [
    ("volunteer", ["Αρχική", "Σταθμός σάρωσης", "Οι βάρδιές μου", "Είσοδος"]),
    ("staff", ["Αρχική", "Νοικοκυριά", "Ημέρες διανομής", "Απόθεμα"]),
    ("coordinator", ["Αρχική", "Νοικοκυριά", "Ημέρες διανομής", "Πίνακας εθελοντών"]),
])
def test_a_phone_has_each_roles_most_used_pages_within_thumb_reach(browser, live_server, login_as, role, shortcuts):
    context = browser.new_context(base_url=live_server.url, locale="el-GR", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    try:
        login_as(UserFactory(role=role), ctx=context)
        page = context.new_page()
        page.goto("/")
        bar = page.get_by_role("navigation", name="Συντομεύσεις")
        links = bar.get_by_role("link")
        assert [text.strip() for text in links.all_inner_texts()][:len(shortcuts)] == shortcuts
        for box in (links.nth(i).bounding_box() for i in range(links.count())):
            # the lower part of the screen, where a thumb reaches holding the phone in one hand; big enough to tap
            assert box["y"] > 844 * 0.8 and box["height"] >= 44 and box["width"] >= 44, box
        # Every word fits its button whole (a label may wrap between words, never inside one).
        broken = links.evaluate_all("""links => links.flatMap(link => {
            const words = [], walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (const match of node.data.matchAll(/\\S+/g)) {
                    const range = document.createRange();
                    range.setStart(node, match.index); range.setEnd(node, match.index + match[0].length);
                    if (range.getClientRects().length > 1) words.push(match[0]);  // on two lines
                }
            }
            return words; })""")
        assert broken == [], broken
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        footer_text = page.locator(".site-footer p").last.bounding_box()
        assert footer_text["y"] + footer_text["height"] <= bar.bounding_box()["y"], "the bar hides none of the page"
        links.nth(1).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()


def test_a_desk_has_no_bottom_bar(page, login_as):
    login_as(UserFactory(role="staff"))
    page.goto("/")
    expect(page.get_by_role("navigation", name="Κύριο μενού")).to_be_visible()
    expect(page.locator(".thumb-bar")).to_be_hidden()


@pytest.mark.parametrize("role", ["volunteer", "coordinator"])
def test_a_phones_header_is_one_line_and_the_menu_has_the_language_and_sign_out(browser, live_server, login_as, role):
    from core.demo import CENTRE
    from tests.distribution.days_helpers import day_with_basket, open_around_now
    from tests.factories import centre_details

    centre_details(**CENTRE)  # the centre's real short name, 24 letters
    day = open_around_now(day_with_basket()[0])
    context = browser.new_context(base_url=live_server.url, locale="el-GR", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    try:
        login_as(UserFactory(role=role), ctx=context)
        page = context.new_page()
        page.goto("/")
        brand = page.locator(".site-header .brand")
        menu_button = page.get_by_role("link", name="Μενού", exact=True)
        expect(brand).to_have_text(CENTRE["short_name"])
        assert page.locator(".site-header").bounding_box()["height"] <= 56  # one line (two were ~104 px)
        assert abs(brand.bounding_box()["y"] - menu_button.bounding_box()["y"]) < 10
        assert brand.evaluate("(e) => e.scrollWidth <= e.clientWidth"), "the short name is shown whole"
        expect(page.get_by_role("button", name="Αποσύνδεση")).to_be_hidden()
        menu_button.click()
        menu = page.locator("#main-menu")
        expect(menu.get_by_role("button", name="English")).to_be_visible()
        menu.get_by_role("button", name="Αποσύνδεση").click()
        page.wait_for_url("**/accounts/login/**")
        login_as(UserFactory(role=role, username=f"{role}-2"), ctx=context)
        page.goto(f"/distribution/station/{day.pk}/?station=Τραπέζι 1")  # no menu: the header's own links
        assert page.locator(".site-header").bounding_box()["height"] <= 56
        expect(page.get_by_role("button", name="Αποσύνδεση")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
