"""What the browser is told to refuse: the Content-Security-Policy's reports and the Permissions-Policy.

The Content-Security-Policy itself is django-csp's (settings.CONTENT_SECURITY_POLICY): scripts, styles,
images, fonts, connections, workers and the web app manifest only from Kypseli's own origin, no inline
script or style, no plug-ins, no framing. A browser that refuses something posts a report to
`csp_report` (both the old `report-uri` body and the Reporting API's), which logs one line per
violation on the `kypseli.csp` logger: the directive, where the blocked thing came from (its origin or
"inline"/"eval", never a full address), and the page's path with its secrets masked (core.redact). The
report's sample of the blocked code is never logged: it may hold what a person typed.

`Permissions-Policy` turns off every powerful browser feature Kypseli does not use on every page; the
scan pages (the card, ticket and goods scanners: the pages that load the scanner's code) may use the
camera, and only they.
"""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from .net import client_ip
from .redact import mask
from .roles import public
from .throttle import allow

logger = logging.getLogger("kypseli.csp")

# Every feature a page of Kypseli could ask the browser for, off; CAMERA_PAGE turns the camera on.
# Left at the browser's default (this origin only): autoplay (the stations' beeps), fullscreen, and the
# passkey features (publickey-credentials-*, for two-factor sign-in).
FEATURES_OFF = ("accelerometer", "bluetooth", "browsing-topics", "camera", "display-capture", "geolocation",
                "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb",
                "xr-spatial-tracking")
POLICY = ", ".join(f"{feature}=()" for feature in FEATURES_OFF)
CAMERA_PAGE = POLICY.replace("camera=()", "camera=(self)")


def allow_camera(request):
    """This answer is a scan page: its Permissions-Policy lets it use the camera. Called by the
    template that loads the scanner's code ({% camera_page %} in core/scan_assets.html), so every page
    that can open the camera, and only such a page, may."""
    if request is not None:
        request.uses_camera = True


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer, and the Reporting API's endpoint the Content-Security-Policy's
    `report-to csp` names (browsers without the Reporting API use its `report-uri`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        camera = getattr(request, "uses_camera", False)
        response.headers.setdefault("Permissions-Policy", CAMERA_PAGE if camera else POLICY)
        report_url = getattr(settings, "CSP_REPORT_URL", "")
        if report_url:
            try:
                endpoint = request.build_absolute_uri(report_url)
            except DisallowedHost:  # already answered 400 by CommonMiddleware
                return response
            response.headers.setdefault("Reporting-Endpoints", f'csp="{endpoint}"')
        return response


# --- Violation reports --------------------------------------------------------------------------

MAX_REPORT_BYTES = 16 * 1024
REPORT_TYPES = ("application/csp-report", "application/reports+json", "application/json")


def _origin(address: str) -> str:
    """Where a blocked thing came from, without its path or query: "inline", "eval", "x.example:8443",
    "data:" (a host without "//" in front, so that the log's masking of secrets leaves it readable)."""
    address = (address or "").strip()
    if address in ("inline", "eval", "wasm-eval", "self", "trusted-types-policy", "trusted-types-sink"):
        return address
    parts = urlsplit(address)
    if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc:
        return f"{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"
    return f"{parts.scheme}:" if parts.scheme else "-"


def _path(address: str) -> str:
    return mask(urlsplit(address or "").path or "-")[:200]


def _violations(body) -> list[dict]:
    """The violations of a report body in one shape, whichever format the browser used."""
    if isinstance(body, dict) and isinstance(body.get("csp-report"), dict):
        report = body["csp-report"]
        return [{"directive": report.get("effective-directive") or report.get("violated-directive"),
                 "blocked": report.get("blocked-uri"), "page": report.get("document-uri"),
                 "source": report.get("source-file"), "line": report.get("line-number"),
                 "disposition": report.get("disposition")}]
    if isinstance(body, list):
        found = []
        for entry in body[:20]:
            if isinstance(entry, dict) and entry.get("type") == "csp-violation" and isinstance(entry.get("body"), dict):
                report = entry["body"]
                found.append({"directive": report.get("effectiveDirective"), "blocked": report.get("blockedURL"),
                              "page": report.get("documentURL") or entry.get("url"),
                              "source": report.get("sourceFile"), "line": report.get("lineNumber"),
                              "disposition": report.get("disposition")})
        return found
    return []


def _text(value, limit=60) -> str:
    return str(value or "-").replace("\n", " ")[:limit]


@public
@csrf_exempt
def csp_report(request):
    """Where browsers post Content-Security-Policy violations: 204 always for a well-formed report
    (nothing to tell the browser), 400 for a malformed one, 413 for a large one, 405 for anything but
    POST. Reports count against CSP_REPORTS_PER_ADDRESS_PER_HOUR per client address; past it they are
    dropped silently (a broken page in a loop, or someone filling the logs)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    kind = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if kind not in REPORT_TYPES:
        return HttpResponse(status=415)
    limit = getattr(settings, "CSP_REPORTS_PER_ADDRESS_PER_HOUR", 100)
    if not allow("csp-report", client_ip(request) or "unknown", limit=limit, seconds=3600):
        return HttpResponse(status=204)
    try:
        violations = _violations(json.loads(request.body[:MAX_REPORT_BYTES]))
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    if not violations:
        return HttpResponse(status=400)
    for violation in violations:
        logger.warning(
            "CSP violation: %s blocked %s on %s (%s:%s)%s",
            _text(violation["directive"]), _origin(_text(violation["blocked"], 300)), _path(violation["page"]),
            _path(violation["source"]) if violation["source"] else "-", _text(violation["line"], 10),
            " [report only]" if violation["disposition"] == "report" else "",
        )
    return HttpResponse(status=204)

