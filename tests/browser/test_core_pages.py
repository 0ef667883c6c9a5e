"""Each role signs in, sees its own home page and menu, switches language; axe-core finds no
serious or critical problem on the main pages."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_through_the_form_and_out(page, axe_check):
    UserFactory(username="maria", role="staff", password="a-long-password-42")
    page.goto("/accounts/login/")
    axe_check(page)
    page.get_by_label("Όνομα χρήστη").fill("maria")
    page.get_by_label("Κωδικός").fill("a-long-password-42")
    page.get_by_role("button", name="Σύνδεση").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Καλώς ήρθατε")
    page.get_by_role("button", name="Αποσύνδεση").click()
    page.wait_for_url("**/accounts/login/")


def test_wrong_password_shows_a_greek_message(page):
    UserFactory(username="maria", role="staff", password="a-long-password-42")
    page.goto("/accounts/login/")
    page.get_by_label("Όνομα χρήστη").fill("maria")
    page.get_by_label("Κωδικός").fill("wrong")
    page.get_by_role("button", name="Σύνδεση").click()
    assert "δεν ταιριάζουν" in page.get_by_role("alert").inner_text()


@pytest.mark.parametrize(
    ("role", "pages", "hidden"),
    [
        ("coordinator", ["/", "/locations/", "/audit/", "/api-tokens/", "/centre/"], []),
        ("staff", ["/", "/locations/", "/locations/new/"], ["/audit/"]),
        ("volunteer", ["/"], ["/locations/", "/audit/"]),
    ],
)
def test_each_role_sees_its_pages_and_they_are_accessible(page, login_as, axe_check, role, pages, hidden):
    login_as(UserFactory(username=f"u_{role}", role=role))
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        axe_check(page)
    menu = page.get_by_role("navigation", name="Κύριο μενού")
    for url in hidden:
        assert menu.locator(f'a[href="{url}"]').count() == 0
        assert page.goto(url).status == 403


def test_language_switch_and_back(page, login_as):
    login_as(UserFactory(username="coord", role="coordinator"))
    page.goto("/locations/")
    assert page.locator("html").get_attribute("lang") == "el"
    page.get_by_test_id("language-en").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Locations"
    page.get_by_test_id("language-el").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Χώροι"


def test_public_home_on_a_phone(phone_context, axe_check):
    page = phone_context.new_page()
    page.goto("/")
    axe_check(page)
    link = page.get_by_role("link", name="Σύνδεση (προσωπικό και εθελοντές)")
    box = link.bounding_box()
    assert box["height"] >= 44, "touch targets are at least 44 px high"


def test_api_docs_render_from_local_files(page, login_as):
    login_as(UserFactory(username="coord", role="coordinator"))
    page.goto("/api/v1/docs")
    page.get_by_text("/api/v1/me").first.wait_for()
    assert "Kypseli API" in page.content()


def test_keyboard_user_skips_to_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Μετάβαση στο περιεχόμενο")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
