"""Error pages (config/urls.py handler400 … handler500): styled, Greek first, for pages and public
event pages alike; problem details (core/problems.py) under /api/.

A page about a fault must not need what failed: these render without the database (no context
processors; the centre's name only when the database answers) and without the signed-in user.
"""

import logging
import sys

from django.db import DatabaseError
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext_lazy as _

from .faults import is_transient, retry_after_seconds
from .problems import problem_response

logger = logging.getLogger("kypseli.errors")

PAGES = {
    400: (_("The request could not be understood"),
          _("The address or the form sent was not valid. Go back and try again.")),
    403: (_("You may not open this page"),
          _("Your role does not allow this page, or the form expired. Sign in again, or ask the coordinator.")),
    404: (_("Page not found"),
          _("There is nothing at this address. It may have been mistyped, or the record was removed.")),
    500: (_("Something went wrong"),
          _("The server could not finish this request. It has been logged; please try again, and if it keeps "
            "happening tell the coordinator.")),
    503: (_("Try again shortly"),
          _("The service is briefly unavailable. Nothing was lost: wait a few seconds and try again.")),
}


def _centre_name() -> str:
    from .tenancy import ScopeError

    try:
        from .models import Centre

        centre = Centre.current()
        return centre.short_name or centre.name
    except (DatabaseError, ScopeError):  # an error before the request had its centre
        return ""


def error_page(request, status: int, *, headers=None) -> HttpResponse:
    title, text = PAGES[status]
    context = {"status": status, "title": title, "text": text, "path": request.path,
               "centre_name": _centre_name() if status != 503 else "", "retry_after": retry_after_seconds()}
    response = HttpResponse(loader.render_to_string(f"errors/{status}.html", context), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _answer(request, status, **kwargs):
    if request.path.startswith("/api/"):
        return problem_response(status, **kwargs)
    return error_page(request, status, **kwargs)


def bad_request(request, exception=None):
    return _answer(request, 400)


def permission_denied(request, exception=None):
    return _answer(request, 403)


def page_not_found(request, exception=None):
    return _answer(request, 404)


def server_error(request):
    """500, or 503 with Retry-After when what failed is the database being briefly away."""
    exc = sys.exc_info()[1]
    if is_transient(exc):
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
        return _answer(request, 503, headers={"Retry-After": str(retry_after_seconds())})
    return _answer(request, 500)


def csrf_failure(request, reason=""):
    if request.path.startswith("/api/"):
        return problem_response(403, code="csrf_failed")
    response = error_page(request, 403)
    return response
