import json

from django import template
from django.utils.translation import gettext as _

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
def scan_station(endpoint, extra=None, label=None, timeout_ms=None):
    """A scan station posting to `endpoint` (see static/js/scan-station.js).

    {% load kypseli %}{% scan_station endpoint=url extra=fields label=_("Scan the card") %}
    Pages using it load css/scan-station.css and include core/scan_assets.html (ZXing + js/scan-station.js).
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
    }
    return {
        "endpoint": endpoint,
        "extra_json": json.dumps(extra or {}, ensure_ascii=False),
        "messages_json": json.dumps(messages, ensure_ascii=False),
        "label": label or _("Scan or type a code"),
        "timeout_ms": timeout_ms,
    }


@register.filter
def may(user, rule):
    """`{% if user|may:"inventory.manage_stocktakes" %}`: the access table's answer (core.roles)."""
    from core.roles import may as allowed

    return allowed(user, rule)
