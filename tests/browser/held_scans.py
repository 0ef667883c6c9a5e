"""The real scan endpoints (a table's, the event door's) behind a switch the test holds: a scan whose code
is in `held` gets no answer until the test releases it (or `HOLD_AT_MOST` passes), as on a slow network.
Other requests go on meanwhile (tests.live_server.network_delay). Used as ROOT_URLCONF by the local-first
station tests."""

import time

from django.urls import get_resolver, include, path

from tests.live_server import network_delay

HOLD_AT_MOST = 2.5  # below the station's 3-s wait, so a held answer still arrives
held: set[str] = set()
answered: list[str] = []


def holding(path):
    def view(request, *args, **kwargs):
        import json

        code = json.loads(request.body).get("code", "")
        deadline = time.monotonic() + HOLD_AT_MOST
        while code in held and time.monotonic() < deadline:
            network_delay(0.02)
        response = get_resolver("config.urls").resolve(path).func(request, *args, **kwargs)
        answered.append(code)
        return response

    view.csrf_exempt = True  # the API checks the session's CSRF token itself (django-ninja)
    return view


urlpatterns = [
    path("api/v1/scans", holding("/api/v1/scans")),
    path("api/v1/checkins", holding("/api/v1/checkins")),
    path("", include("config.urls")),
]
