"""What the event door's scan station needs to check tickets in alone when the network drops
(static/js/station-offline.js, kind "ticket"): where the door's manifest and the batch sync are, and
the texts of its answers, the same as the online check-in's (services/door.py)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..services.door import DO_NOT_LET_IN, LET_IN


def door_offline_config(event) -> dict:
    return {
        "kind": "ticket",
        "manifest": reverse("api:door_manifest", args=[event.pk]),
        "batch": reverse("api:checkin_batch"),
        "batchKey": "checkins",
        "scope": f"event-{event.pk}",
        "timezone": settings.TIME_ZONE,
        "texts": {
            "letIn": str(LET_IN), "doNotLetIn": str(DO_NOT_LET_IN),
            "checkedInTitle": _("Checked in"), "alreadyTitle": _("Already checked in"),
            "unknownTitle": _("Unknown ticket"), "cancelledTitle": pgettext("registration", "Cancelled"),
            "notConfirmedTitle": _("Not confirmed"), "tooEarlyTitle": _("Too early"),
            "unknown": _("Unknown ticket. Check the code, or find the name on the list."),
            # %(n)s: the party's size
            "places": _("%(n)s places"), "onePlace": _("1 place"),
            "alreadyHere": _("Already checked in at this door, %(when)s (decided offline)."),
            "tooEarly": _("Too early: doors open at %(when)s. Not checked in."),
        },
    }
