"""A distribution day's scan station in Chromium: a USB scanner types a card code (green), types it
again (red with the table and time), the camera reads a printed card's QR code, the fallback
search records a collection after an ID check, and the coordinator's live view refreshes."""

import subprocess
import uuid

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from distribution.models import Card, Collection
from distribution.services.card_pdf import CARD_H, CARD_W, PAGE_H, _card_origin, render_cards
from distribution.services.scans import record_scan
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.fake_camera import picture_to_y4m
from tests.distribution.days_helpers import collector, day_with_basket, household, open_around_now
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FIELD = "Σαρώστε την κάρτα ή πληκτρολογήστε τον αριθμό της"


def station_url(day, station="Τραπέζι 1"):
    return f"/distribution/station/{day.pk}/?station={station}"


def test_usb_scanner_green_then_red_with_table_and_time(page, login_as, axe_check):
    day, _items = day_with_basket()
    _hh, _card, code = household(day.programme, size=3, first_name="Αϊσέ")
    login_as(UserFactory(username="vol", first_name="Ελένη", last_name="Β.", role="volunteer"))
    page.goto(station_url(day))
    field = page.get_by_label(FIELD)
    expect(field).to_be_focused()
    page.keyboard.type(code + "\n", delay=5)  # a scanner is a fast keyboard ending with Enter
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", "ok")
    expect(result).to_contain_text("Αϊσέ")
    expect(result).to_contain_text("Ρύζι 1 kg × 2")
    expect(field).to_be_focused()
    page.wait_for_timeout(1700)  # the widget ignores the same code read twice within 1.5 s
    page.keyboard.type(code + "\n", delay=5)
    expect(result).to_have_attribute("data-level", "bad")
    collection = Collection.objects.get()
    expect(result).to_contain_text("Τραπέζι 1")
    expect(result).to_contain_text(timezone.localtime(collection.at).strftime("%H:%M"))
    expect(result).to_contain_text("Ελένη Β.")
    assert Collection.objects.count() == 1
    axe_check(page)


def test_camera_reads_a_printed_card(playwright_instance, live_server, tmp_path):
    day, _items = day_with_basket()
    hh, card, _code = household(day.programme, size=2, first_name="Μεχμέτ")
    # Print the card the way the centre does (a fresh token), then photograph it: PDF -> PNG -> video.
    token = "ABCDEFGHIJKLMNOP"
    from distribution.identifiers import hash_token

    Card.objects.filter(pk=card.pk).update(token_hash=hash_token(token))
    card.refresh_from_db()
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(render_cards([(Card.objects.select_related("household").get(pk=card.pk), token)]))
    dpi = 150
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", str(pdf), str(tmp_path / "card")], check=True)
    sheet = Image.open(tmp_path / "card.png")
    x, y = _card_origin(0)
    scale = dpi / 72
    box = (int(x * scale), int((PAGE_H - y - CARD_H) * scale), int((x + CARD_W) * scale), int((PAGE_H - y) * scale))
    video = picture_to_y4m(sheet.crop(box), tmp_path / "card.y4m")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )
    try:
        context = browser.new_context(base_url=live_server.url, locale="el-GR", permissions=["camera"])
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(UserFactory(username="cam", role="volunteer"))
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                              "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
        page = context.new_page()
        page.goto(station_url(day, "Τραπέζι 2"))
        page.get_by_role("button", name="Κάμερα").click()
        result = page.get_by_test_id("scan-result")
        expect(result).to_have_attribute("data-level", "ok", timeout=40_000)  # jsQR is slow on a busy machine
        expect(result).to_contain_text("Μεχμέτ")
        collection = Collection.objects.get()
        assert collection.household == hh and collection.station == "Τραπέζι 2"
    finally:
        browser.close()


def test_forgotten_card_search_records_after_an_id_check(page, login_as):
    day, _items = day_with_basket()
    open_around_now(day)  # the name search answers only around the day's hours
    hh, _card, _code = household(day.programme, first_name="Φατμέ", last_name="Χασάν")
    neighbour = collector(hh, "Κατερίνα Ιωαννίδου")
    login_as(UserFactory(username="vol2", role="volunteer"))
    page.goto(station_url(day))
    page.get_by_label("Όνομα ή αριθμός κάρτας").fill("hasan")
    page.get_by_role("button", name="Αναζήτηση").click()
    expect(page.locator("#station-results")).to_contain_text("Φατμέ Χασάν")
    # The collector's name stands on its own label line inside the button, not in a sentence.
    page.get_by_role("button", name="Ελέγχθηκε ταυτότητα: παραλαμβάνει εξουσιοδοτημένο πρόσωπο").filter(
        has_text="Εξουσιοδοτημένο πρόσωπο: Κατερίνα Ιωαννίδου").click()
    result = page.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-level", "warn")
    expect(result).to_contain_text("Κατερίνα Ιωαννίδου")
    expect(page.get_by_label(FIELD)).to_be_focused()
    collection = Collection.objects.get()
    assert collection.collector == neighbour and collection.id_checked


def test_live_view_refreshes_by_itself(page, login_as):
    day, _items = day_with_basket()
    codes = [household(day.programme)[2] for _ in range(2)]
    login_as(UserFactory(username="coord2", role="coordinator"))
    page.goto(f"/distribution/days/{day.pk}/live/")
    collected = page.locator('[data-figure="collected"]')
    expect(collected).to_have_text("0")
    record_scan(day_id=day.pk, code=codes[0], station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                by=UserFactory(username="v3", role="volunteer"))
    expect(collected).to_have_text("1", timeout=8_000)
    expect(page.locator('[data-figure="remaining"]')).to_have_text("1")
