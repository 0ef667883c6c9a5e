"""Each centre's own addresses: /c/<slug>/… is the installation's every page, in that centre. The public
finds a centre's events there, every link on such a page keeps the prefix, and links in messages of a
centre other than the first carry it (the first centre's addresses have none, as before)."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.links import absolute_url
from core.tenancy import centre_scope, each_centre
from events.models import Registration
from tests.events.factories import EventFactory
from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kavala():
    cache.clear()
    centre = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", short_name="ΚΚ Καβάλας", slug="kavala")
    with centre_scope(centre):
        event = EventFactory(title_el="Θεατρικό εργαστήρι Καβάλας", status="published", capacity=20)
    return centre, event


def test_the_public_finds_each_centres_events_at_its_own_address(client, kavala):
    _centre, event = kavala
    drama = EventFactory(title_el="Βραδιά παραμυθιού Δράμας", status="published")
    page = client.get("/c/kavala/events/").content.decode()
    assert "Θεατρικό εργαστήρι Καβάλας" in page and "Δράμας" not in page
    assert f'href="/c/kavala/events/{event.pk}/"' in page, "links on the page keep the centre's prefix"
    assert 'href="/static/' in page or 'src="/static/' in page, "static files are not under the prefix"
    unprefixed = client.get("/events/").content.decode()
    assert "Βραδιά παραμυθιού Δράμας" in unprefixed and "Καβάλας" not in unprefixed
    assert client.get(f"/events/{event.pk}/").status_code == 404
    assert client.get(f"/c/kavala/events/{drama.pk}/").status_code == 404
    assert client.get("/c/no-such-centre/events/").status_code == 404


def test_signing_up_at_a_centres_address_sends_a_link_that_opens_there(client, kavala, mailoutbox):
    centre, event = kavala
    response = client.post(f"/c/kavala/events/{event.pk}/register/", {
        "name": "Ελένη Σαλή", "email": "eleni@example.org", "phone": "", "places": "1", "consent": "on",
        "website": ""})
    assert response.status_code == 200 and "Καβάλας" in response.content.decode()
    with centre_scope(centre):
        registration = Registration.objects.get(event=event)
    link = re.search(r"https?://[^\s]+/c/kavala/events/r/[^\s/]+/", mailoutbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert registration.manage_token in path
    assert client.get("/" + path).status_code == 200
    assert client.get(reverse("events:manage", args=[registration.manage_token])).status_code == 404


def test_a_centres_address_gives_a_person_her_role_there_and_no_other(client, kavala):
    centre, _event = kavala
    client.force_login(UserFactory(username="drama-staff", role="staff"))
    assert client.get("/distribution/households/").status_code == 200
    assert client.get("/c/kavala/distribution/households/").status_code == 403
    client.force_login(UserFactory(username="kavala-staff", role="staff", role__centre=centre))
    assert client.get("/c/kavala/distribution/households/").status_code == 200


def test_links_in_messages_carry_the_centre_outside_the_first(kavala):
    path = reverse("events:public_list")
    links = {centre.slug: absolute_url(path) for centre in each_centre()}
    assert links["kavala"].endswith("/c/kavala/events/")
    first = next(slug for slug in links if slug != "kavala")
    assert links[first].endswith("//" + links[first].split("//", 1)[1].split("/", 1)[0] + "/events/")
