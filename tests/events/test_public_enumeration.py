"""The public sign-up answers the same whether or not a phone is already registered (the real
registrant is told), and messages it triggers to one number are limited."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from events.models import Registration
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _form(**extra):
    return {"name": "Ελένη Σαλή", "phone": "6971234567", "email": "", "places": "1", "consent": "on",
            "website": "", **extra}


def _normalised(html, event):
    import re

    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)


def test_the_same_answer_for_a_registered_and_a_new_phone(client, sms_outbox, settings):
    event = EventFactory(capacity=20)
    first = client.post(reverse("events:register", args=[event.pk]), _form())
    again = client.post(reverse("events:register", args=[event.pk]), _form(name="Κάποιος Άλλος"),
                        REMOTE_ADDR="10.0.0.8")
    new = client.post(reverse("events:register", args=[event.pk]), _form(phone="6970000001"),
                      REMOTE_ADDR="10.0.0.9")
    assert first.status_code == again.status_code == new.status_code == 200
    assert _normalised(again.content.decode(), event) == _normalised(new.content.decode(), event)
    assert "ήδη" not in again.content.decode()
    assert Registration.objects.filter(phone="6971234567").count() == 1
    # The real registrant is told, with their own link; the second visitor learns nothing.
    registration = Registration.objects.get(phone="6971234567")
    to_them = [s.text for s in sms_outbox if s.to == "6971234567"]
    assert len(to_them) == 2 and registration.manage_token in to_them[1]
    assert "Κάποιος Άλλος" not in to_them[1]


def test_messages_to_one_number_are_limited(client, sms_outbox, settings):
    settings.EVENTS_MESSAGES_PER_CONTACT_PER_DAY = 3
    event = EventFactory(capacity=50)
    for n in range(4):  # register, cancel through the private link, register again…
        client.post(reverse("events:register", args=[event.pk]), _form(), REMOTE_ADDR=f"10.0.1.{n}")
        registration = Registration.objects.filter(phone="6971234567", status="confirmed").first()
        client.post(reverse("events:manage_cancel", args=[registration.manage_token]))
    assert Registration.objects.filter(phone="6971234567").count() == 4
    assert len([s for s in sms_outbox if s.to == "6971234567"]) == 3
    # Another number is not affected.
    client.post(reverse("events:register", args=[event.pk]), _form(phone="6970000002"), REMOTE_ADDR="10.0.2.1")
    assert [s.to for s in sms_outbox].count("6970000002") == 1


def test_staff_are_told_about_a_duplicate(staff_client):
    from events.services import registrations

    event = EventFactory(capacity=5)
    registrations.register(event, registrations.RegistrationRequest(name="Α", phone="6971234567", places=1,
                                                                    consent=True))
    with pytest.raises(registrations.AlreadyRegistered):
        registrations.register(event, registrations.RegistrationRequest(name="Β", phone="6971234567", places=1,
                                                                        source=Registration.Source.STAFF))
