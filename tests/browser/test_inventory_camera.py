"""Receiving donated goods with a phone: the camera reads the product's EAN-13 into the scan field,
the item is found and the quantity field waits, exactly as with a USB scanner."""

import io

import barcode
import pytest
from barcode.writer import ImageWriter
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from inventory.models import Donation
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import picture_to_y4m
from tests.factories import LocationFactory, UserFactory
from tests.inventory.factories import BarcodeFactory, DonorFactory, ItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_camera_reads_an_ean_on_the_donation_page(playwright_instance, live_server, tmp_path):
    milk = ItemFactory(name_el="Γάλα εβαπορέ 410 γρ.")
    BarcodeFactory(item=milk, code="5201004021236")  # a valid EAN-13 (check digit 6)
    donation = Donation.objects.create(donor=DonorFactory(), location=LocationFactory(name="Αποθήκη Κέντρου"))
    picture = io.BytesIO()
    barcode.get("ean13", "520100402123", writer=ImageWriter()).write(
        picture, options={"module_width": 0.5, "module_height": 25, "quiet_zone": 8, "write_text": False})
    video = picture_to_y4m(picture.getvalue(), tmp_path / "ean.y4m")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )
    try:
        context = browser.new_context(base_url=live_server.url, permissions=["camera"], locale="el-GR")
        client = Client()
        client.force_login(UserFactory(username="maria", role="staff"))
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        page.goto(f"/inventory/donations/{donation.pk}/")
        page.get_by_role("button", name="Κάμερα").click()
        expect(page.get_by_test_id("current-item")).to_contain_text("Γάλα εβαπορέ 410 γρ.", timeout=15_000)
        expect(page.get_by_label("ποσότητα")).to_be_focused()
    finally:
        browser.close()
