"""Calendar links are stored tokens: replaced on request (the old one stops at once), and a
volunteer's own link stops working when they leave."""

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditLog
from volunteers.models import LocationFeed, Volunteer
from volunteers.services import calendars, roster, signups

from .factories import ShiftFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def _feed(client, token):
    return client.get(reverse("volunteers:volunteer_feed", args=[token]))


def test_a_volunteer_replaces_their_calendar_link(client):
    volunteer = VolunteerFactory()
    signups.take_shift(volunteer, ShiftFactory())
    old = volunteer.calendar_token
    assert _feed(client, old).status_code == 200
    client.force_login(volunteer.user)
    assert client.post(reverse("volunteers:my_calendar_new")).status_code == 302
    new = Volunteer.objects.get(pk=volunteer.pk).calendar_token
    assert new != old
    assert _feed(client, old).status_code == 404 and _feed(client, new).status_code == 200
    assert new in client.get(reverse("volunteers:me")).content.decode()
    assert AuditLog.objects.filter(changes__calendar_link="replaced").exists()
    assert old not in str(list(AuditLog.objects.values_list("changes", "path")))


def test_the_calendar_link_stops_when_the_volunteer_leaves(client, coordinator):
    volunteer = VolunteerFactory()
    old = volunteer.calendar_token
    volunteer.status = Volunteer.Status.LEFT
    roster.save_profile(volunteer, by=coordinator)
    assert _feed(client, old).status_code == 404
    # even if they come back, the old link stays dead; they get a new one
    volunteer.refresh_from_db()
    volunteer.status = Volunteer.Status.ACTIVE
    roster.save_profile(volunteer, by=coordinator)
    assert _feed(client, old).status_code == 404
    assert _feed(client, Volunteer.objects.get(pk=volunteer.pk).calendar_token).status_code == 200


def test_a_paused_volunteer_keeps_the_link_an_applicant_has_none(client, coordinator):
    volunteer = VolunteerFactory(status=Volunteer.Status.PAUSED)
    assert _feed(client, volunteer.calendar_token).status_code == 200
    applicant = VolunteerFactory(status=Volunteer.Status.APPLICANT, user=None)
    assert _feed(client, applicant.calendar_token).status_code == 404


def test_the_coordinator_replaces_a_location_calendar_link(client, coordinator_client):
    shift = ShiftFactory()
    board = coordinator_client.get(reverse("volunteers:board"))
    url = next(url for loc, url in board.context["feeds"] if loc == shift.location)
    path = url.split("testserver")[1]
    assert client.get(path).status_code == 200
    response = coordinator_client.post(reverse("volunteers:location_feed_new", args=[shift.location.pk]))
    assert response.status_code == 302
    assert client.get(path).status_code == 404
    new = LocationFeed.objects.get(location=shift.location).token
    assert client.get(reverse("volunteers:location_feed", args=[new])).status_code == 200
    stranger = Client()
    assert stranger.post(reverse("volunteers:location_feed_new", args=[shift.location.pk])).status_code == 302
    assert LocationFeed.objects.get(location=shift.location).token == new  # signed out: nothing changed


def test_rotating_a_location_link_is_a_service_too(coordinator):
    shift = ShiftFactory()
    first = calendars.location_feed(shift.location).token
    assert calendars.rotate_location_calendar(shift.location, by=coordinator).token != first
