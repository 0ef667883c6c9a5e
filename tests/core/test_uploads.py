"""Upload limits: the logo is a picture of a usual kind within 2 MB; every refusal is a form error."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from core.models import Centre

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def picture(kind: str, size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def post_logo(client, name, content):
    centre = Centre.current()
    data = {"name": centre.name or "Κέντρο Κοινότητας", "short_name": centre.short_name or "ΚΚ",
            "logo": SimpleUploadedFile(name, content)}
    return client.post(reverse("core:centre"), data)


def saved_centre():
    """The current centre as the database holds it now (the scope keeps the row it read)."""
    return Centre.objects.get(pk=Centre.current().pk)


def test_a_png_logo_is_saved(coordinator_client):
    response = post_logo(coordinator_client, "logo.png", picture("PNG"))
    assert response.status_code == 302
    assert saved_centre().logo.name.startswith("centre/")


def test_a_logo_over_two_megabytes_is_refused_with_a_message(coordinator_client):
    noise = Image.frombytes("RGB", (1200, 1000), os.urandom(1200 * 1000 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert out.tell() > 2 * 1024 * 1024
    response = post_logo(coordinator_client, "logo.png", out.getvalue())
    assert response.status_code == 200
    assert "Το αρχείο είναι πολύ μεγάλο" in response.content.decode()
    assert not saved_centre().logo


def test_a_picture_of_an_unusual_kind_or_not_a_picture_is_refused(coordinator_client):
    response = post_logo(coordinator_client, "logo.png", picture("BMP"))
    assert response.status_code == 200 and "PNG, JPEG, GIF, WebP" in response.content.decode()
    response = post_logo(coordinator_client, "logo.png", b"%PDF-1.4 not a picture")
    assert response.status_code == 200 and not saved_centre().logo
