"""The app's icons: a favicon where browsers look for it (no 404 on a first visit) and icons for a phone's
home screen, real images of the sizes they claim."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

STATIC = Path(settings.BASE_DIR) / "static" / "img"


def test_favicon_ico_leads_to_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.ico")
    icon = Image.open(STATIC / "favicon.ico")
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]


@pytest.mark.django_db
def test_pages_name_their_icons(client):
    html = client.get("/accounts/login/").content.decode()
    for name in ["img/icon.svg", "img/favicon.ico", "img/icon-180.png"]:
        assert name in html


def test_home_screen_icons_have_their_sizes():
    for size in (180, 192, 512):
        picture = Image.open(BytesIO((STATIC / f"icon-{size}.png").read_bytes()))
        assert picture.size == (size, size)
    assert (STATIC / "icon.svg").read_text().startswith("<svg")
