"""A scan endpoint used only by the scan station's own browser test (the real ones live in
distribution and events). It records each request so the test can see what the widget sent."""

import json
import time

from django.http import JsonResponse
from django.urls import include, path

from tests.live_server import network_delay

received: list[dict] = []


def fake_scan(request):
    body = json.loads(request.body)
    body["_at"] = time.monotonic()
    body["_language"] = request.headers.get("Accept-Language")
    received.append(body)
    code = body["code"]
    tries = sum(1 for r in received if r["request_id"] == body["request_id"])
    if code.startswith("SLOW"):  # a slow network: the answer comes late
        network_delay(1.5)
    if code.startswith("HANG"):  # a connection that hangs instead of failing
        network_delay(3)
    if code == "BUSY" and tries == 1:  # the rate limit: come back in a second
        response = JsonResponse({"message": "busy"}, status=429)
        response["Retry-After"] = "1"
        return response
    if code == "FLAKY" and sum(1 for r in received if r["request_id"] == body["request_id"]) == 1:
        return JsonResponse({"message": "busy"}, status=503)
    if code.startswith(("OK", "SLOW", "BUSY")):
        return JsonResponse({"outcome": "ok", "display": {"level": "ok", "headline": f"Καλώς ήρθες {code}",
                                                         "lines": ["Ρύζι × 2", "Γάλα × 4"]}}, status=201)
    if code == "FLAKY":
        return JsonResponse({"display": {"level": "warn", "headline": "Μετά από επανάληψη", "lines": []}})
    return JsonResponse({"outcome": "unknown", "display": {"level": "bad", "headline": "Άγνωστη κάρτα",
                                                          "lines": []}}, status=422)


PAGE = """{% extends "base.html" %}{% load static kypseli %}
{% block head %}<link rel="stylesheet" href="{% static 'css/scan-station.css' %}">{% endblock %}
{% block content %}<h1>Σταθμός σάρωσης</h1>
<label for="other-field">Άλλο πεδίο</label><input id="other-field">
{% scan_station endpoint=endpoint extra=extra timeout_ms=timeout_ms %}{% endblock %}
{% block scripts %}{% include "core/scan_assets.html" %}{% endblock %}"""


def station_page(request):
    from django.http import HttpResponse
    from django.template import RequestContext, Template

    context = RequestContext(request, {"endpoint": "/test-scan/", "extra": {"day": 7, "station": "Τραπέζι 1"},
                                       "timeout_ms": request.GET.get("timeout_ms")})
    return HttpResponse(Template(PAGE).render(context))


FIELD_PAGE = """{% extends "base.html" %}{% block content %}<h1>Παραλαβή</h1>
<p data-testid="got">{{ got }}</p>
<form method="get"><label for="code">Κωδικός</label><input id="code" name="code">
<button type="button" data-camera-fill="#code" aria-pressed="false">Κάμερα</button>
<video data-camera-video playsinline muted hidden></video></form>{% endblock %}
{% block scripts %}{% include "core/scan_assets.html" %}{% endblock %}"""


def camera_field_page(request):
    from django.http import HttpResponse
    from django.template import RequestContext, Template

    return HttpResponse(Template(FIELD_PAGE).render(RequestContext(request, {"got": request.GET.get("code", "")})))


urlpatterns = [
    path("test-camera-field/", camera_field_page),
    path("test-scan/", fake_scan),
    path("test-station/", station_page),
    path("", include("config.urls")),
]
