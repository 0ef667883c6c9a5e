"""The volunteer application has a honeypot and a per-address limit; the sign-in link form too."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.once import new_token
from volunteers.models import Volunteer

from .factories import VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def _application(n=0, **extra):
    return {"first_name": "Αϊσέ", "last_name": f"Μουσταφά{n}", "email": f"aise{n}@example.org", "phone": "",
            "language": "el", "consent": "on", "website": "", "form_token": new_token(), **extra}


def test_the_honeypot_saves_nothing_and_looks_like_success(client):
    response = client.post(reverse("volunteers:apply"), _application(website="http://spam.example"))
    assert response.status_code == 200 and not Volunteer.objects.exists()
    assert "hp-field" in client.get(reverse("volunteers:apply")).content.decode()


def test_applications_are_limited_per_address(client, settings):
    settings.PUBLIC_FORMS_PER_ADDRESS_PER_HOUR = 3
    for n in range(5):
        client.post(reverse("volunteers:apply"), _application(n), REMOTE_ADDR="10.0.0.1")
    assert Volunteer.objects.count() == 3
    refused = client.post(reverse("volunteers:apply"), _application(9), REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429 and "ξανά" in refused.content.decode()
    client.post(reverse("volunteers:apply"), _application(10), REMOTE_ADDR="10.0.0.2")
    assert Volunteer.objects.count() == 4


def test_sign_in_link_requests_are_limited_per_address(client, settings, mailoutbox):
    settings.PUBLIC_FORMS_PER_ADDRESS_PER_HOUR = 2
    volunteers = [VolunteerFactory(email=f"v{n}@example.org") for n in range(4)]
    answers = set()
    for volunteer in volunteers:
        response = client.post(reverse("volunteers:signin_request"), {"email": volunteer.email}, follow=True,
                               REMOTE_ADDR="10.0.0.1")
        answers.add("Αν η διεύθυνση ανήκει σε ενεργό εθελοντή" in response.content.decode())
    assert answers == {True}
    assert len(mailoutbox) == 2
