"""No AMKA, phone number, name, e-mail address or secret token in the application's logs.

A representative run (every page of the URL configuration as every role, searches by AMKA, phone and
name, card scans through the API, sign-ins right and wrong and locked out, a volunteer's sign-in link
asked for and used, a volunteer application and an event sign-up with their messages, private links
with made-up secrets, pages that do not exist with an AMKA or a phone in their address) is made with
the logging the project configures, writing to a buffer instead of the console; with each request's
access-log line as gunicorn would write it (core.gunicorn_logging masks it with core.redact.mask). The
buffer is then searched for every seeded person's AMKA, phones, names and e-mail addresses and for
every token of the run.

SMS go to the test outbox ("locmem"): the console backend prints them, which is what it is for, and
production refuses it (core/checks.py, kypseli.E002).
"""

import io
import json
import logging
import re
import uuid

import pytest
from django.urls import reverse

from core.messaging.delivery import deliver
from core.redact import mask
from tests.core.test_access import _walked_pages
from tests.walker import API_ROLES as ROLES
from tests.walker import make_page_world

pytestmark = pytest.mark.django_db

AMKA, PHONE = "12108012342", "6944123456"


@pytest.fixture
def app_log(settings):
    """Every stream handler of the configured logging writes to one buffer during the test."""
    settings.SMS_BACKEND = "locmem"
    buffer = io.StringIO()
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.Logger.manager.loggerDict)]
    handlers = {h for logger in loggers for h in logger.handlers if type(h) is logging.StreamHandler}
    assert handlers, "the project's logging has console handlers"
    previous = {handler: handler.setStream(buffer) for handler in handlers}
    yield buffer
    for handler, stream in previous.items():
        handler.setStream(stream)


class AccessLog:
    """The client's requests, each also written as gunicorn's masked access-log line."""

    def __init__(self, client, buffer):
        self.client, self.buffer = client, buffer

    def _line(self, method, url, response):
        self.buffer.write(mask(f'127.0.0.1 - "{method} {url} HTTP/1.1" {response.status_code}') + "\n")
        return response

    def get(self, url, data=None, **extra):
        response = self.client.get(url, data, **extra)
        query = "&".join(f"{k}={v}" for k, v in (data or {}).items())
        return self._line("GET", f"{url}?{query}" if query else url, response)

    def post(self, url, data=None, **extra):
        return self._line("POST", url, self.client.post(url, data or {}, **extra))


def _secrets(tokens: list[str]) -> dict[str, str]:
    """{text: what it is} for every person's identifying data in the database, and the run's tokens."""
    from core.models import User
    from distribution.models import AuthorisedCollector, Household, Person
    from events.models import Registration
    from volunteers.models import Volunteer

    found = {}

    def add(value, what, minimum=5):
        value = (value or "").strip()
        if len(value) >= minimum:
            found[value] = what

    for person in Person.objects.all():
        add(person.amka, "AMKA")
        add(person.phone, "phone")
        add(f"{person.first_name} {person.last_name}", "name")
        add(person.last_name, "surname", 6)
    for household in Household.objects.all():
        for field in ("phone", "email"):
            add(getattr(household, field, ""), field)
    for collector in AuthorisedCollector.objects.all():
        add(collector.name, "name")
    for volunteer in Volunteer.objects.all():
        add(volunteer.email, "e-mail")
        add(volunteer.phone, "phone")
        add(volunteer.emergency_phone, "phone")
        add(f"{volunteer.first_name} {volunteer.last_name}", "name")
        add(volunteer.last_name, "surname", 6)
        add(volunteer.calendar_token, "calendar token")
    for registration in Registration.objects.all():
        add(registration.name, "name")
        add(registration.phone, "phone")
        add(registration.email, "e-mail")
        add(registration.manage_token, "registration token")
    for user in User.objects.all():
        add(user.email, "e-mail")
        add(user.get_full_name(), "name")
    for token in tokens:
        add(token, "token")
    return found


def _run(client, log, users, api_tokens, tokens):
    from distribution.models import DistributionDay, Person
    from tests.distribution.days_helpers import household
    from tests.events.factories import EventFactory
    from tests.factories import UserFactory
    from tests.volunteers.factories import VolunteerFactory

    web = AccessLog(client, log)
    # Every page as every role.
    pages = _walked_pages()
    for role in ROLES:
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for _name, url, _policy in pages:
            web.get(url)
    # Searches by AMKA, phone and name, on the pages and through the API.
    client.force_login(users["staff"])
    for query in (AMKA, PHONE, "Παπαδοπούλου Μαρία", "maria@example.org"):
        web.get(reverse("distribution:households"), {"q": query})
        web.get("/api/v1/households", {"q": query}, HTTP_AUTHORIZATION=f"Bearer {api_tokens['staff']}")
    for missing in (f"/distribution/households/{AMKA}/", f"/volunteers/{PHONE}/", f"/api/v1/households/{AMKA}"):
        web.get(missing)
    # Scans: a card collected, scanned again, an unknown code, a made-up token.
    day = DistributionDay.objects.filter(programme__isnull=False).order_by("-date").first()
    _hh, _card, code = household(day.programme, phone=PHONE, first_name="Ευτέρπη", last_name="Καραμανλίδου")
    tokens.append(code)
    Person.objects.filter(household=_hh, is_reference=True).update(amka=AMKA)
    for scanned in (code, code, "KYP-NOT-A-CARD", "1234567890123"):
        body = {"code": scanned, "day": day.pk, "station": "Τραπέζι 1", "request_id": str(uuid.uuid4())}
        web.post("/api/v1/scans", json.dumps(body), content_type="application/json",
                 HTTP_AUTHORIZATION=f"Bearer {api_tokens['volunteer']}")
    # Sign-ins: right, wrong, locked out; a volunteer's link asked for by e-mail and used.
    client.logout()
    UserFactory(username="eleni.k", role="staff", password="a-long-password-42", email="eleni.k@example.org",
                first_name="Ελένη", last_name="Κωνσταντινίδου")
    web.post(reverse("login"), {"username": "eleni.k", "password": "a-long-password-42"})
    client.logout()
    for _ in range(6):
        web.post(reverse("login"), {"username": "eleni.k", "password": "wrong-password"})
    web.post(reverse("login"), {"username": "eleni.k@example.org", "password": "wrong-password"})
    volunteer = VolunteerFactory(email="thanasis.v@example.org", phone="6977001122", first_name="Θανάσης",
                                 last_name="Βαφειάδης")
    from django.core import mail

    web.post(reverse("volunteers:signin_request"), {"email": volunteer.email})
    deliver()  # the worker's step (its log lines are part of the run): the outbox goes out
    links = [m for m in mail.outbox if volunteer.email in m.to]
    assert links, "the sign-in link was sent"
    link = re.search(r"https?://\S+/volunteers/sign-in/([^/\s]+)/", links[-1].body)
    tokens.append(link.group(1))
    web.get(f"/volunteers/sign-in/{link.group(1)}/")
    web.post(f"/volunteers/sign-in/{link.group(1)}/")
    web.post(f"/volunteers/sign-in/{link.group(1)}/")  # used already
    client.logout()
    # Messages: a volunteer application and an event sign-up (e-mail and SMS).
    form = _hidden(web.get(reverse("volunteers:apply")))
    web.post(reverse("volunteers:apply"), {**form,
        "first_name": "Σταυρούλα", "last_name": "Χατζηγεωργίου", "email": "stavroula.x@example.org",
        "phone": "6988112233", "language": "el", "consent": "on"})
    event = EventFactory(status="published")
    form = _hidden(web.get(reverse("events:public_detail", args=[event.pk])))
    web.post(reverse("events:register", args=[event.pk]), {**form,
        "name": "Αικατερίνη Παπαθανασίου", "phone": "6999887766", "email": "katerina.p@example.org",
        "places": "2", "consent": "on"})


def _hidden(response) -> dict:
    """The hidden fields of a page's forms (the one-time form token, core.once)."""
    html = response.content.decode()
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html) if m.group(1) != "csrfmiddlewaretoken"}


def test_the_logs_of_a_representative_run_hold_no_personal_data(client, app_log):
    from django.core import mail

    from core import messaging

    users, api_tokens = make_page_world()
    tokens = [token for token in api_tokens.values() if token]
    _run(client, app_log, users, api_tokens, tokens)
    deliver()  # the worker sends what the run's last actions queued
    assert len(mail.outbox) >= 3 and messaging.outbox, "the run sent e-mails and SMS"
    text = app_log.getvalue()
    assert "Forbidden" in text and "Not Found" in text and '"POST /api/v1/scans' in text, "the run was logged"
    secrets = _secrets(tokens)
    assert len(secrets) >= 100, len(secrets)
    leaks = sorted({f"{what} {value!r} in: {line.strip()[:200]}" for value, what in secrets.items()
                    for line in text.splitlines() if value in line})
    assert not leaks, "personal data in the logs:\n" + "\n".join(leaks[:40])


def test_an_error_report_holds_no_personal_data(rf, staff_user):
    import sys

    from django.views.debug import get_exception_reporter_class

    staff_user.first_name, staff_user.last_name = "Ευανθία", "Τσολακίδου"
    request = rf.post(f"/distribution/households/?q={PHONE}", {"amka": AMKA, "last_name": "Καραμανλίδου"},
                      HTTP_REFERER=f"http://testserver/distribution/households/?q={AMKA}")
    request.user = staff_user

    def save_person(amka, phone):
        raise ValueError(f"duplicate key (amka)=({amka}) for {phone}")

    try:
        save_person(AMKA, PHONE)
    except ValueError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info(), is_email=True)
        text, html = reporter.get_traceback_text(), reporter.get_traceback_html()
    for report in (text, html):
        assert "save_person" in report and "ValueError" in report, "a useful report still"
        for secret in (AMKA, PHONE, "Καραμανλίδου", "Τσολακίδου", staff_user.username):
            assert secret not in report, secret


def test_mask_hides_a_phone_or_an_amka_typed_into_an_address_and_keeps_record_ids():
    assert mask(f"Not Found: /volunteers/{PHONE}/") == "Not Found: /volunteers/…/"
    assert mask(f'"GET /distribution/households/{AMKA}/ HTTP/1.1" 404') == (
        '"GET /distribution/households/…/ HTTP/1.1" 404')
    assert mask("/api/v1/households/+306944123456") == "/api/v1/households/+…"
    for kept in ("/distribution/days/123456789/", "/events/42/register/", "/reports/esf/submitted/7/pdf/"):
        assert mask(kept) == kept
