"""Public pages: list and filters, event page, registration form (honeypot, rate limit), the private
link, the .ics download and the feeds."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.models import Location
from events.models import Event, Question, Registration

from .factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def form_data(**extra):
    return {"name": "Ελένη Σαλή", "phone": "6971234567", "email": "", "places": "2", "consent": "on",
            "website": "", **extra}


def test_list_shows_published_upcoming_events_with_filters(client):
    branch = Location.objects.create(name="Παράρτημα Ρομά", kind=Location.Kind.BRANCH)
    children = EventFactory(title_el="Θεατρικό παιχνίδι")
    health = EventFactory(title_el="Ομιλία για τον διαβήτη", category=Event.Category.HEALTH,
                          audience=Event.Audience.ADULTS, location=branch)
    EventFactory(title_el="Πρόχειρο", status=Event.Status.DRAFT, published_at=None)
    EventFactory(title_el="Παλιό", starts_at=timezone.now() - timedelta(days=3),
                 ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=1))
    html = client.get(reverse("events:public_list")).content.decode()
    assert children.title_el in html and health.title_el in html
    assert "Πρόχειρο" not in html and "Παλιό" not in html
    filtered = client.get(reverse("events:public_list"), {"category": "health"}).content.decode()
    assert health.title_el in filtered and children.title_el not in filtered
    by_site = client.get(reverse("events:public_list"), {"location": branch.pk}).content.decode()
    assert health.title_el in by_site and children.title_el not in by_site
    by_audience = client.get(reverse("events:public_list"), {"audience": "adults"}).content.decode()
    assert health.title_el in by_audience and children.title_el not in by_audience
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert children.title_el not in client.get(reverse("events:public_list"), {"date": later}).content.decode()


def test_bad_filter_input_is_not_a_500(client):
    response = client.get(reverse("events:public_list"), {"date": "not-a-date", "location": "x", "category": "?"})
    assert response.status_code == 200


def test_drafts_are_not_found(client):
    draft = EventFactory(status=Event.Status.DRAFT, published_at=None)
    assert client.get(reverse("events:public_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("events:event_ics", args=[draft.pk])).status_code == 404
    assert client.post(reverse("events:register", args=[draft.pk]), form_data()).status_code == 404


def test_event_page_shows_places_left_and_english_texts(client):
    event = EventFactory(capacity=12, title_en="Theatre game")
    Event.objects.filter(pk=event.pk).update(places_taken=5)
    html = client.get(reverse("events:public_detail", args=[event.pk])).content.decode()
    assert "7 θέσεις" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("events:public_detail", args=[event.pk])).content.decode()
    assert "Theatre game" in html and "7 places left" in html


def test_register_through_the_form_and_see_the_ticket(client, mailoutbox, sms_outbox):
    event = EventFactory()
    question = Question.objects.create(event=event, label_el="Ηλικίες παιδιών", required=True)
    response = client.post(reverse("events:register", args=[event.pk]), form_data(**{f"q_{question.pk}": "6, 9"}))
    registration = Registration.objects.get()
    # The answer names no registration (the same as for a phone already registered); the private
    # link comes by message.
    assert response.status_code == 200 and registration.manage_token not in response.content.decode()
    assert "Ευχαριστούμε" in response.content.decode()
    assert registration.places == 2 and registration.status == "confirmed"
    assert registration.answers == {str(question.pk): "6, 9"}
    page = client.get(reverse("events:manage", args=[registration.manage_token]))
    html = page.content.decode()
    assert registration.ticket_code in html and "<svg" in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert sms_outbox[0].to == "6971234567" and registration.manage_token in sms_outbox[0].text


def test_form_errors_are_shown_in_greek_and_nothing_is_saved(client):
    event = EventFactory()
    Question.objects.create(event=event, label_el="Ηλικίες παιδιών", required=True)
    response = client.post(reverse("events:register", args=[event.pk]),
                           form_data(phone="", email="", consent="", places="9"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Αυτό το πεδίο είναι απαραίτητο." in html
    assert "Δώστε τηλέφωνο ή e-mail" in html
    assert not Registration.objects.exists()


def test_honeypot_refuses_bots_silently(client):
    event = EventFactory()
    response = client.post(reverse("events:register", args=[event.pk]), form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_rate_limit_per_address(client, settings):
    settings.EVENTS_REGISTRATIONS_PER_HOUR = 2
    event = EventFactory(capacity=50)
    for n in range(2):
        response = client.post(reverse("events:register", args=[event.pk]), form_data(phone=f"69000000{n}"))
        assert response.status_code == 200
    response = client.post(reverse("events:register", args=[event.pk]), form_data(phone="6900000099"))
    assert response.status_code == 429
    assert Registration.objects.count() == 2
    other = client.post(reverse("events:register", args=[event.pk]), form_data(phone="6900000098"),
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200, "another address has its own allowance"


def test_private_link_shows_and_cancels_only_its_own_registration(client, sign_up):
    event = EventFactory(capacity=1)
    mine = sign_up(event, "Η δική μου")
    theirs = sign_up(event, "Κάποιου άλλου")
    html = client.get(reverse("events:manage", args=[mine.manage_token])).content.decode()
    assert "Η δική μου" in html and "Κάποιου άλλου" not in html
    for bad in ["x", mine.manage_token[:-1], mine.manage_token.upper(), mine.ticket_code, str(mine.pk)]:
        assert client.get(reverse("events:manage", args=[bad])).status_code == 404
        assert client.post(reverse("events:manage_cancel", args=[bad])).status_code == 404
    assert client.get(reverse("events:manage_cancel", args=[mine.manage_token])).status_code == 200
    client.post(reverse("events:manage_cancel", args=[mine.manage_token]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "cancelled"
    assert theirs.status == "confirmed", "the waiting entry moved up into the freed place"


def test_leave_the_waiting_list_from_the_link(client, sign_up):
    event = EventFactory(capacity=1)
    sign_up(event)
    waiting = sign_up(event, "Σε αναμονή")
    html = client.get(reverse("events:manage", args=[waiting.manage_token])).content.decode()
    assert "αναμονής" in html
    response = client.post(reverse("events:manage_cancel", args=[waiting.manage_token]), follow=True)
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"
    assert response.status_code == 200


def test_ics_download_and_ical_feed(client):
    event = EventFactory(title_el="Μαθήματα ελληνικών")
    response = client.get(reverse("events:event_ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    item = calendar.walk("VEVENT")[0]
    assert str(item["SUMMARY"]) == "Μαθήματα ελληνικών"
    assert item.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    EventFactory(title_el="Δεύτερο")
    feed = Calendar.from_ical(client.get(reverse("events:feed_ics")).content)
    assert {str(e["SUMMARY"]) for e in feed.walk("VEVENT")} == {"Μαθήματα ελληνικών", "Δεύτερο"}


def test_rss_feed(client):
    EventFactory(title_el="Γιορτή της Κοινότητας Ρομά")
    response = client.get(reverse("events:feed_rss"))
    assert response.status_code == 200
    assert "Γιορτή της Κοινότητας Ρομά" in response.content.decode()
