import json

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag(takes_context=True)
def at_place_and_time(context, location, start, end):
    """What the other apps know about this place and time (core.place_time), e.g. volunteer shifts:
    {% at_place_and_time day.location start end %}."""
    from ..place_time import render_at

    return render_at(context, location, start, end)


@register.simple_tag(takes_context=True)
def camera_page(context):
    """{% camera_page %}: this page may use the camera (its Permissions-Policy says so, core.security)."""
    from ..security import allow_camera

    allow_camera(context.get("request"))
    return ""


@register.inclusion_tag("core/scan_station.html")
def scan_station(endpoint, extra=None, label=None, timeout_ms=None, offline=None):
    """A scan station posting to `endpoint` (see static/js/scan-station.js).

    {% load kypseli %}{% scan_station endpoint=url extra=fields label=_("Scan the card") %}
    Pages using it load css/scan-station.css and include core/scan_assets.html (ZXing + js/scan-station.js).
    `offline`: the station also decides alone when the network drops (static/js/station-offline.js):
    {"kind", "manifest", "batch", "scope", "date", "texts"} from the app, the common texts added here.
    """
    messages = {
        "checking": _("Checking…"),
        # %(code)s is filled in by the widget with the typed or scanned code
        "checkingCode": _("Checking card %(code)s…"),
        "retrying": _("No answer yet, trying again…"),
        "notRecorded": _("Not recorded: no connection. Scan again."),
        "cardCode": _("Card %(code)s"),
        "resend": _("Send card %(code)s again"),
        "error": _("Something went wrong. Scan again."),
        "noCamera": _("The camera could not be opened. Allow camera access, or type the code."),
        # Local first (the day's list on the phone answers at once, the server confirms or corrects it)
        "confirming": _("Being confirmed…"),
        "confirmed": _("Confirmed"),
        "changed": _("The answer changed"),
        # %(code)s: an earlier card's code; %(answer)s: the server's answer for it ("Do not give · …")
        "changedEarlier": _("The answer for card %(code)s changed: %(answer)s"),
    }
    offline_json = ""
    if offline:
        offline_json = json.dumps({**offline, "texts": {**offline_texts(), **offline.get("texts", {})}},
                                  ensure_ascii=False)
    return {
        "offline_json": offline_json,
        "endpoint": endpoint,
        "extra_json": json.dumps(extra or {}, ensure_ascii=False),
        "messages_json": json.dumps(messages, ensure_ascii=False),
        "label": label or _("Scan or type a code"),
        "timeout_ms": timeout_ms,
    }


PLURAL_FORMS = (("one", 1), ("many", 2))


def offline_texts() -> dict:
    """What a station working offline says (static/js/station-offline.js); %(…)s are filled in there.
    Plurals come as one form for 1 and one for more (Greek and English need no other)."""
    return {
        "offlineMark": _("Offline"),
        "modeOffline": _("No connection: this station decides from the day's list on this device. The scans "
                         "wait here and are sent when the network is back."),
        "modeBack": _("Connected again: sending the scans that wait…"),
        "waiting": {count: ngettext("%(count)s scan waits to be sent", "%(count)s scans wait to be sent", n)
                    for count, n in PLURAL_FORMS},
        "nothingWaits": _("No scan waits to be sent"),
        "lastSync": _("last sent %(time)s"),
        "sent": {count: ngettext("%(count)s scan sent", "%(count)s scans sent", n) for count, n in PLURAL_FORMS},
        "signInAgain": _("Sign in again to send the scans that wait."),
        "checkTitle": _("Ready for offline?"),
        "listLoaded": _("Day's list on this device: %(count)s cards, updated %(time)s (%(minutes)s min ago)"),
        "listMissing": _("The day's list is not on this device yet: connect before the doors open."),
        "listOld": _("The day's list is more than %(minutes)s minutes old: connect to update it."),
        "dayClosed": _("The day is closed: its list was removed from this device."),
        "storageKept": _("Storage: %(free)s MB free, kept by the browser"),
        "storageMayGo": _("Storage: %(free)s MB free; the browser may clear it when space runs out"),
        "storageUnknown": _("Storage: this browser does not say how much is free"),
        "ready": _("Ready"),
        "notReady": _("Not ready"),
        "signOutWaiting": {count: ngettext(
            "%(count)s scan made offline has not reached the server yet. Signing out deletes it. Sign out anyway?",
            "%(count)s scans made offline have not reached the server yet. Signing out deletes them. "
            "Sign out anyway?", n) for count, n in PLURAL_FORMS},
    }


@register.filter
def may(user, rule):
    """`{% if user|may:"inventory.manage_stocktakes" %}`: the access table's answer (core.roles)."""
    from core.roles import may as allowed

    return allowed(user, rule)


@register.inclusion_tag("core/_message_progress.html")
def message_progress(batch, pk=None):
    """`{% message_progress "slots" day.pk %}` (the batches "slots:<pk>:…") or a batch's full name: how far
    its messages have gone; it refreshes itself while some are waiting."""
    from core.messaging.services import batch_progress

    if pk is not None:
        batch = f"{batch}:{pk}:"
    return {"batch": batch, "progress": batch_progress(batch)}


@register.simple_tag
def messages_url(obj):
    """`{% messages_url household %}`: the messages page, only those about this record (their status, resend)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    meta = obj._meta
    return f"{reverse('core:messages')}?{urlencode({'about': f'{meta.app_label}.{meta.model_name}:{obj.pk}'})}"
