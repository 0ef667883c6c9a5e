"""The helpers a published event needs, from its registrations, for the planner (core.staffing): one
helper per STAFFING_PEOPLE_PER_EVENT_HELPER places taken (at least one), from
STAFFING_EVENT_BUFFER_MINUTES before the start to as long after the end; for an event for children,
everyone needs the certificate for work with children."""

import math
from datetime import timedelta

from django.utils.translation import gettext as _

from core.staffing import Need, setting


def event_needs(start, end) -> list[Need]:
    from .models import Event

    buffer = timedelta(minutes=int(setting("STAFFING_EVENT_BUFFER_MINUTES", 30)))
    per_helper = max(int(setting("STAFFING_PEOPLE_PER_EVENT_HELPER", 15)), 1)
    result = []
    for event in Event.objects.filter(status=Event.Status.PUBLISHED, starts_at__gte=start + buffer,
                                      starts_at__lt=end + buffer).select_related("location"):
        helpers = max(1, math.ceil(event.places_taken / per_helper))
        children = event.audience == Event.Audience.CHILDREN or event.category == Event.Category.CHILDREN
        result.append(Need(
            key=f"events.event:{event.pk}", location_id=event.location_id, starts_at=event.starts_at - buffer,
            ends_at=event.ends_at + buffer, role="event", minimum=1, target=helpers, with_children=children,
            source=_("Event: %(title)s") % {"title": event},
            detail=_("%(n)s places taken: %(h)s helper(s)") % {"n": event.places_taken, "h": helpers}))
    return result
