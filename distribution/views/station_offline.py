"""What the scan station needs to decide alone when the network drops (static/js/station-offline.js):
where the day's manifest and the batch sync are, and the texts of the answers it builds from the
manifest, the same as the online scan's (services/scans.py), through the catalogue like every string."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from ..models import Scan
from ..services.scans import DO_NOT_GIVE, GIVE


def offline_config(day) -> dict:
    outcomes = {str(value): str(label) for value, label in Scan.Outcome.choices}
    return {
        "kind": "card",
        "manifest": reverse("api:day_manifest", args=[day.pk]),
        "batch": reverse("api:scan_batch"),
        "scope": f"day-{day.pk}",
        "date": day.date.isoformat(),
        "timezone": settings.TIME_ZONE,  # the station counts days and shows times as the server does
        "texts": {
            "give": str(GIVE), "doNotGive": str(DO_NOT_GIVE), "outcomes": outcomes,
            # %(n)s: the household's size; one form for one person, the other for more.
            "sizeOne": ngettext("household of %(n)s person", "household of %(n)s people", 1),
            "sizeMany": ngettext("household of %(n)s person", "household of %(n)s people", 2),
            "typed": _("Card number typed: check an ID"),
            "emptyBasket": _("Nothing in the basket for this household."),
            "unknown": _("Unknown card. Check the number, or search by name and check an ID."),
            "alreadyHere": _("Already collected today at this station, %(time)s (decided offline)."),
            "collectors": _("Authorised collectors: %(names)s"),
            "record": pgettext("station search", "ID checked: record"),
            "noMatch": _("No card in the day's list matches."),
            "searchOffline": _("Searched in the day's list on this device (no connection)."),
            "cardNumber": _("Card %(number)s"),
        },
    }
