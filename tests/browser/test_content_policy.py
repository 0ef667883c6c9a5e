"""The Content-Security-Policy in Chromium: the watch every browser test runs under (conftest) sees
what the browser refuses; the pages whose scripts were moved out of the templates still work; Django's
admin works under the policy; the camera is refused outside the scan pages."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_watch_sees_an_injected_inline_script_and_style(page, no_csp_violation):
    page.goto("/")
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.appendChild(script);
        document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>');
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected") is None, "the inline script did not run"
    found = list(no_csp_violation)
    no_csp_violation.clear()  # seen, as it must be: the test passes
    assert any('"directive":"script-src-elem"' in text for text in found), found
    assert any('"directive":"style-src-attr"' in text for text in found), found


def test_print_and_back_buttons_work_without_inline_handlers(page, login_as):
    login_as(UserFactory(username="koin", role="coordinator"))
    page.goto("/reports/dashboard/")
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Εκτύπωση").first.click()
    assert page.evaluate("() => window.printed") == 1
    page.goto("/")
    page.goto("/no-such-page/")
    page.get_by_role("link", name="Πίσω").click()
    page.wait_for_url("**/")
    assert page.evaluate("() => location.pathname") == "/"


def test_the_admin_works_under_the_policy(page, axe_check):
    UserFactory(username="root", role="coordinator", password="a-long-password-42", is_staff=True,
                is_superuser=True)
    page.goto("/admin/")
    page.get_by_label("Όνομα χρήστη").fill("root")
    page.get_by_label("Κωδικός").fill("a-long-password-42")
    page.get_by_role("button", name="Σύνδεση").click()
    page.wait_for_url("**/admin/")
    for url in ("/admin/core/location/", "/admin/core/location/add/", "/admin/volunteers/shift/add/",
                "/admin/core/user/"):
        assert page.goto(url).status == 200, url
    page.goto("/admin/volunteers/shift/add/")
    page.locator("#calendarlink0").click()  # the admin's own calendar widget (its scripts, its styles)
    assert page.locator("#calendarbox0").is_visible()


def test_the_camera_is_refused_outside_the_scan_pages(browser, live_server):
    context = browser.new_context(base_url=live_server.url, permissions=["camera"])
    try:
        page = context.new_page()
        page.goto("/")
        allowed = page.evaluate("() => document.featurePolicy ? document.featurePolicy.allowsFeature('camera') : null")
        assert allowed is False
    finally:
        context.close()


def test_the_api_documentation_works_under_the_policy(page, login_as):
    login_as(UserFactory(username="dev", role="staff"))
    assert page.goto("/api/v1/docs").status == 200
    page.locator(".swagger-ui .opblock").first.wait_for()  # Swagger UI drew the operations
