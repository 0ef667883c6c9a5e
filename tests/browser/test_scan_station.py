"""The shared scan station widget: a USB scanner types into an always-focused field; the camera
reads a real QR code (Chromium's fake camera playing a picture); answers are big and coloured;
a failed request is retried with the same request id."""

import pytest
from playwright.sync_api import expect

from core.codes import qr_png
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import picture_to_y4m
from tests.core import scan_urls
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.core.scan_urls")]


@pytest.fixture(autouse=True)
def _clear():
    scan_urls.received.clear()


def test_usb_scanner_types_codes_and_sees_answers(page, login_as, axe_check):
    login_as(UserFactory(username="vol", role="volunteer"))
    page.goto("/test-station/")
    field = page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")
    expect(field).to_be_focused()
    page.keyboard.type("OK-123\n", delay=5)  # a scanner is a fast keyboard ending with Enter
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_contain_text("Καλώς ήρθες OK-123")
    expect(result).to_contain_text("Ρύζι × 2")
    expect(field).to_be_focused()
    expect(field).to_have_value("")
    page.keyboard.type("NOPE\n", delay=5)
    expect(result).to_have_attribute("data-level", "bad")
    expect(result).to_contain_text("Άγνωστη κάρτα")
    assert [r["code"] for r in scan_urls.received] == ["OK-123", "NOPE"]
    assert scan_urls.received[0]["day"] == 7 and scan_urls.received[0]["station"] == "Τραπέζι 1"
    assert scan_urls.received[0]["request_id"] != scan_urls.received[1]["request_id"]
    axe_check(page)


def test_focus_returns_to_the_field_but_another_field_may_be_used(page, login_as):
    login_as(UserFactory(username="vol", role="volunteer"))
    page.goto("/test-station/")
    page.get_by_role("heading", level=1).click()
    expect(page.get_by_label("Σαρώστε ή πληκτρολογήστε κωδικό")).to_be_focused()
    page.get_by_label("Άλλο πεδίο").click()
    page.keyboard.type("Παπαδόπουλος")
    expect(page.get_by_label("Άλλο πεδίο")).to_have_value("Παπαδόπουλος")


def test_a_failed_request_is_retried_with_the_same_request_id(page, login_as):
    login_as(UserFactory(username="vol", role="volunteer"))
    page.goto("/test-station/")
    page.keyboard.type("FLAKY\n", delay=5)
    expect(page.get_by_test_id("scan-result")).to_contain_text("Μετά από επανάληψη")
    assert len(scan_urls.received) == 2
    assert scan_urls.received[0]["request_id"] == scan_urls.received[1]["request_id"]


def _camera_browser(playwright_instance, video):
    return playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )


def test_camera_reads_a_real_qr_code(playwright_instance, live_server, tmp_path):
    video = picture_to_y4m(qr_png("OK-CAMERA-42", box_size=10), tmp_path / "qr.y4m")
    browser = _camera_browser(playwright_instance, video)
    try:
        context = browser.new_context(base_url=live_server.url, locale="el-GR", permissions=["camera"])
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(UserFactory(username="vol", role="volunteer"))
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
        page = context.new_page()
        page.goto("/test-station/")
        page.get_by_role("button", name="Κάμερα").click()
        result = page.get_by_test_id("scan-result")
        expect(result).to_contain_text("Καλώς ήρθες OK-CAMERA-42", timeout=15_000)
        assert scan_urls.received[0]["code"] == "OK-CAMERA-42"
    finally:
        browser.close()


def test_camera_button_fills_a_field_with_an_ean_barcode(playwright_instance, live_server, tmp_path):
    """Donated products carry EAN-13 codes: the phone camera reads them into the scan field."""
    import io

    import barcode
    from barcode.writer import ImageWriter

    picture = io.BytesIO()
    barcode.get("ean13", "520123456789", writer=ImageWriter()).write(
        picture, options={"module_width": 0.5, "module_height": 25, "quiet_zone": 8, "write_text": False})
    video = picture_to_y4m(picture.getvalue(), tmp_path / "ean.y4m")
    browser = _camera_browser(playwright_instance, video)
    try:
        page = browser.new_context(base_url=live_server.url, permissions=["camera"]).new_page()
        page.goto("/test-camera-field/")
        page.get_by_role("button", name="Κάμερα").click()
        expect(page.get_by_test_id("got")).to_have_text("5201234567894", timeout=15_000)
    finally:
        browser.close()
