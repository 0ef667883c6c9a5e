"""The secret calendar links: a volunteer's own shifts, and each location's shifts with names.

Both are stored tokens: replacing one (a new link) ends the old one at once. A volunteer's link is
replaced when they leave (status "left") or are anonymised, and its feed answers only while they
are active or paused."""

from django.db import transaction

from core.audit import audit
from core.models import AuditLog

from ..models import LocationFeed, Volunteer, new_token


@transaction.atomic
def rotate_volunteer_calendar(volunteer: Volunteer, *, by) -> Volunteer:
    volunteer.calendar_token = new_token()
    Volunteer.objects.filter(pk=volunteer.pk).update(calendar_token=volunteer.calendar_token)
    audit(AuditLog.Action.CHANGE, volunteer, user=by, changes={"calendar_link": "replaced"})
    return volunteer


def location_feed(location) -> LocationFeed:
    feed, _created = LocationFeed.objects.get_or_create(location=location)
    return feed


@transaction.atomic
def rotate_location_calendar(location, *, by) -> LocationFeed:
    feed = LocationFeed.objects.select_for_update().filter(location=location).first() or LocationFeed(
        location=location)
    feed.token = new_token()
    feed.save()
    audit(AuditLog.Action.CHANGE, location, user=by, changes={"calendar_link": "replaced"})
    return feed
