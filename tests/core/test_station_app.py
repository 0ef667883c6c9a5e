"""The scan station as an installable web app: its manifest, its service worker (what it may keep),
and signing out emptying what the browser kept (core/views_offline.py)."""

import json
from urllib.parse import unquote

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_web_app_manifest_names_the_station_in_greek_with_icons(client):
    response = client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["name"] == "Κυψέλη – σταθμός σάρωσης" and manifest["display"] == "standalone"
    assert manifest["start_url"] == reverse("distribution:station_pick")
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:  # the test client serves no static files: the finders do
        assert finders.find(icon["src"].removeprefix("/static/")), icon


def test_the_service_worker_covers_the_stations_and_keeps_no_api_answer(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    config = json.loads(text.split("const CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert config["files"] and not [path for path in config["files"] if "/api/" in path]
    assert not [path for path in config["files"] if not finders.find(unquote(path.removeprefix("/static/")))]
    assert config["pages"] == [r"^/distribution/station/\d+/$", r"^/events/door/\d+/$"]
    # The worker's version follows the files it keeps: a deploy that changes one installs a new worker.
    assert len(config["version"]) == 16


def test_a_station_page_says_it_may_be_kept_and_holds_no_name(client):
    from tests.distribution.days_helpers import day_with_basket

    day, _items = day_with_basket()
    client.force_login(UserFactory(username="vol", first_name="Ελένη", last_name="Βλάχου", role="volunteer"))
    response = client.get(f"/distribution/station/{day.pk}/?station=Τραπέζι 1")
    assert response.status_code == 200 and response["X-Offline-Page"] == "1"
    page = response.content.decode()
    assert "Βλάχου" not in page and "data-offline=" in page and 'rel="manifest"' in page
    # Other pages are never kept.
    assert "X-Offline-Page" not in client.get(reverse("distribution:station_pick"))


def test_the_worker_keeps_every_file_a_station_page_names(client):
    """A station opened with no network gets every script and style it names, also those it fetches later
    (the offline part, htmx, the camera reader: data-* addresses on its script)."""
    import re

    from core.views_offline import STATION_FILES
    from tests.distribution.days_helpers import day_with_basket

    day, _items = day_with_basket()
    client.force_login(UserFactory(role="volunteer"))
    page = client.get(f"/distribution/station/{day.pk}/?station=Τραπέζι 1").content.decode()
    named = set(map(unquote, re.findall(r'(?:src|href|data-[a-z-]+)="/static/([^"]+\.(?:js|css))"', page)))
    assert {"js/scan-station.js", "js/scan-camera.js", "js/station-offline.js", "js/kypseli.js"} <= named
    assert not named - set(STATION_FILES)


def test_signing_out_empties_what_the_browser_kept(client):
    client.force_login(UserFactory(username="vol", role="volunteer"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
