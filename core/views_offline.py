"""What makes a scan station an installable web app that opens with no network.

* `/manifest.webmanifest`: the web app manifest (Greek name, icons, the station pick page to start).
* `/sw.js`: the service worker (templates/core/sw.js). Served from the site's root so that its scope
  covers every station page. It keeps in Cache Storage only:
  - the station's static files (scripts, styles, icons), listed here with their static addresses, which
    carry the static manifest's content hashes in production: the worker's text changes with a deploy,
    the browser installs the new one and it drops the old cache;
  - the station pages that say they may be kept (`OFFLINE_PAGE_HEADER`): a station page is rendered
    without the volunteer's name or any household (core.context: `offline_page`), so what is kept is
    the page's frame only. API answers (scans, the day's manifest, syncs) never go through it: they are
    not in its lists, and it leaves every other request to the network.
* Signing out answers with `Clear-Site-Data: "cache", "storage"`: the browser drops Cache Storage, the
  service worker and IndexedDB (the day's manifest, the queue), so a phone left behind holds nothing.
  The station warns before signing out while scans wait to be sent (static/js/station-offline.js).
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .roles import PUBLIC, public

# The response header with which a page says the service worker may keep it for offline use.
OFFLINE_PAGE_HEADER = "X-Offline-Page"
# The request header with which the service worker asks for the page it will keep: a page that names
# people when opened (the event door's list) answers it with its frame only.
OFFLINE_FRAME_HEADER = "X-Offline-Frame"

# What a station needs to open and scan with no network; vendor libraries come from node_modules.
STATION_FILES = [
    "css/kypseli.css", "css/scan-station.css", "distribution/station.css", "events/events.css",
    "js/kypseli.js", "js/scan-station.js", "js/scan-camera.js", "js/station-offline.js", "distribution/station.js",
    "events/door.js",
    "vendor/htmx.org/dist/htmx.min.js", "vendor/@zxing/library/umd/index.min.js",
    "img/icon.svg", "img/favicon.ico", "img/icon-192.png",
]
# The pages the worker may keep (a regular expression of their path); each must also send the header.
OFFLINE_PAGES = [r"^/distribution/station/\d+/$", r"^/events/door/\d+/$"]


def _file_digest(name: str) -> str:
    path = finders.find(name)
    if not path:
        return "missing"
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _worker_text() -> str:
    files = [static(name) for name in STATION_FILES]
    # The version: the static addresses (hashed by the static manifest in production) and the files'
    # contents (development and tests, where addresses carry no hash).
    digest = hashlib.sha256("\n".join(files + [_file_digest(name) for name in STATION_FILES]).encode())
    config = {"version": digest.hexdigest()[:16], "files": files, "pages": OFFLINE_PAGES,
              # The installed app's start page: with no network, the worker opens the station used last.
              "start": reverse("distribution:station_pick"),
              "header": OFFLINE_PAGE_HEADER.lower(), "frame_header": OFFLINE_FRAME_HEADER}
    return render_to_string("core/sw.js", {"config": mark_safe(json.dumps(config))})  # noqa: S308 - our own JSON


_cached_worker_text = lru_cache(maxsize=1)(_worker_text)


@public
@require_GET
def service_worker(request):
    text = _worker_text() if settings.DEBUG else _cached_worker_text()
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker on each visit; no copy in any HTTP cache (a deploy must show at once).
    response["Cache-Control"] = "no-cache, max-age=0"
    response["Service-Worker-Allowed"] = "/"
    return response


@public
@require_GET
def web_manifest(request):
    icons = [{"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
             {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
             {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
             {"src": static("img/icon.svg"), "sizes": "any", "type": "image/svg+xml"}]
    manifest = {
        "name": _("Kypseli scan station"), "short_name": _("Station"),
        "description": _("Scan household cards and event tickets, with or without a network."),
        "lang": request.LANGUAGE_CODE, "dir": "ltr", "id": reverse("distribution:station_pick"),
        "start_url": reverse("distribution:station_pick"), "scope": "/", "display": "standalone",
        "orientation": "portrait", "background_color": "#ffffff", "theme_color": "#1d3557", "icons": icons,
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    response["Cache-Control"] = "max-age=3600"
    return response


class SignOutView(LogoutView):
    """Django's sign-out, which also empties what the browser kept for this site (see the module)."""

    access_policy = PUBLIC

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
