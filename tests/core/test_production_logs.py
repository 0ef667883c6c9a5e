"""No search text, phone number or private link in the logs the project configures."""

import logging
from datetime import timedelta
from types import SimpleNamespace

from core import messaging
from core.gunicorn_logging import MaskedLogger
from core.redact import mask

SIGN_IN = "/volunteers/sign-in/eyJpZCI6MSwibiI6IktqSXZsTlk4dGlVRS1OejVYUDFMc3lGbjJVRG1lcnZyIn0:1xa4h3:W9-lc3p1oR_Yk/"


def test_query_strings_and_secrets_are_masked_but_ordinary_paths_stay():
    assert mask("GET /api/v1/households?q=17058012345 HTTP/1.1") == "GET /api/v1/households?… HTTP/1.1"
    assert mask(f"Bad Request: {SIGN_IN}") == "Bad Request: /volunteers/sign-in/…/"
    assert mask("/events/r/Zq3x9K2mVb7Lr4Tn8Wp1Yc6Hd0Jf5Gs/cancel/") == "/events/r/…/cancel/"
    for path in ["/distribution/households/12/members/3/", "/volunteers/shifts/4/approve-hours/",
                 "/reports/esf-indicators-by-target-group/"]:
        assert mask(path) == path


def test_djangos_request_log_lines_are_masked():
    handler = logging.getLogger("django.request").handlers[0]
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Bad Request: %s", (SIGN_IN,), None)
    assert handler.filter(record)
    assert record.getMessage() == "Bad Request: /volunteers/sign-in/…/"
    server = logging.getLogger("django.server").handlers[0]
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /distribution/households/?q=Ζαχαριάδου HTTP/1.1", "200", "512"), None)
    assert server.filter(record) and "Ζαχαριάδου" not in record.getMessage()


def test_gunicorns_access_log_is_masked():
    logger = MaskedLogger(SimpleNamespace(
        errorlog="-", loglevel="info", accesslog=None, access_log_format="", syslog=False, logconfig=None,
        logconfig_dict={}, logconfig_json=None, capture_output=False, user=0, group=0, syslog_addr=None,
        syslog_prefix=None, syslog_facility="user", disable_redirect_access_to_syslog=False))
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/v1/households?q=6944556677", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": "/api/v1/households", "QUERY_STRING": "q=6944556677", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": "https://k.example.org/distribution/households/?q=Ζαχαριάδου"}
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    text = " ".join(str(value) for value in atoms.values())
    assert "6944556677" not in text and "Ζαχαριάδου" not in text
    assert atoms["r"] == "GET /api/v1/households?… HTTP/1.1"


def test_the_console_sms_backend_logs_no_phone_or_link_at_info(settings, caplog, capsys):
    settings.SMS_BACKEND = "console"
    with caplog.at_level(logging.INFO):
        messaging.send_sms("6944556677", "Ο σύνδεσμός σας: https://k.example.org/events/r/Zq3x9K2mVb7Lr4Tn8W/")
    assert not [r for r in caplog.records if r.levelno >= logging.INFO and "6944556677" in r.getMessage()]


def test_absolute_links_come_from_the_request_when_there_is_one(rf, settings):
    from core.links import absolute_url

    settings.SITE_URL = "https://kypseli.example.org"
    settings.ALLOWED_HOSTS = ["kentro.example.gr"]
    request = rf.get("/", HTTP_HOST="kentro.example.gr", secure=True)
    assert absolute_url("/events/", request) == "https://kentro.example.gr/events/"
    assert absolute_url("/events/") == "https://kypseli.example.org/events/"  # no request: cron jobs
    forged = rf.get("/", HTTP_HOST="evil.example.com")
    assert absolute_url("/events/", forged) == "https://kypseli.example.org/events/"


def test_a_failed_event_message_is_logged_without_the_persons_name(db, caplog):
    from events import notifications
    from events.models import Registration
    from tests.events.factories import EventFactory

    registration = Registration.objects.create(event=EventFactory(), name="Ευτέρπη Ζαχαριάδου", places=1,
                                               phone="6944556677")

    def failing(_registration):
        raise OSError("gateway down")

    with caplog.at_level(logging.ERROR):
        assert notifications.safely(failing, registration) is False
    assert caplog.records and all("Ζαχαριάδου" not in r.getMessage() for r in caplog.records)
