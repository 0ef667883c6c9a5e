"""With the demo data loaded, every page in each role's menu opens, in Greek and in English, and
axe-core finds no serious or critical problem on it. New apps' pages are covered as soon as they
appear in the menu."""

import pytest
from django.core.management import call_command

from core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.parametrize("username", ["syntonistria", "koinoniki", "ethelontis"])
def test_every_menu_page_opens_and_is_accessible(page, login_as, axe_check, demo_data, username):
    login_as(User.objects.get(username=username))
    page.goto("/")
    links = page.get_by_role("navigation", name="Κύριο μενού").get_by_role("link")
    urls = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert urls, "every role has a menu"
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "el"
        axe_check(page)
    page.get_by_test_id("language-en").click()
    page.wait_for_load_state()
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == "en"
        axe_check(page)
