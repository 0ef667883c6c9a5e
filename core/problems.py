"""One error shape for the JSON API: RFC 9457 problem details.

Every answer of /api/ with a status of 400 or more is `application/problem+json`:

    {"type": "about:blank", "title": "Δεν βρέθηκε", "status": 404, "code": "not_found",
     "message": "Δεν βρέθηκε.", "detail": "Δεν βρέθηκε."}

`code` is machine-readable and stable (clients switch on it); `message` (and `detail`, the RFC's name
for it) is in the request's language; `title` is the status's short title in that language. Extra
members (the scan station's `outcome`, `display`, …, or `errors` of a malformed request) may follow.
The OpenAPI document describes the shape once (`components.schemas.Problem`, `components.responses`).
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"

# status: (code, short title, message)
STANDARD = {
    400: ("invalid_request", _("Invalid request"), _("The request is not valid.")),
    401: ("not_authenticated", _("Sign-in required"), _("Sign-in or an API token is required.")),
    403: ("forbidden", _("Not allowed"), _("You may not do this.")),
    404: ("not_found", _("Not found"), _("Not found: there is nothing at this address, or no such record.")),
    405: ("method_not_allowed", _("Method not allowed"), _("This address does not accept this method.")),
    409: ("conflict", _("Conflict"), _("The request conflicts with the current state.")),
    413: ("too_large", _("Request too large"), _("The request body is too large.")),
    415: ("unsupported_media_type", _("Unsupported content type"),
          _("Send the request body as JSON (Content-Type: application/json).")),
    422: ("unprocessable", _("Cannot be processed"), _("The request was understood but cannot be carried out.")),
    429: ("rate_limited", _("Too many requests"), _("Too many requests: wait a little and try again.")),
    500: ("server_error", _("Server error"), _("Something went wrong on the server. It has been logged.")),
    503: ("unavailable", _("Try again shortly"),
          _("The service is briefly unavailable (the database did not answer). Try again in a few seconds.")),
}


def problem_body(status: int, *, code: str | None = None, message=None, **extra) -> dict:
    """The problem document for `status`; `message` defaults to the status's standard message."""
    default_code, title, default_message = STANDARD.get(status, (None, None, None))
    message = str(message or default_message or HTTPStatus(status).phrase)
    return {"type": "about:blank", "title": str(title or HTTPStatus(status).phrase), "status": status,
            "code": code or default_code or "error", "message": message, "detail": message, **extra}


def problem_response(status: int, *, code: str | None = None, message=None, headers=None, **extra) -> JsonResponse:
    response = JsonResponse(problem_body(status, code=code, message=message, **extra), status=status,
                            content_type=PROBLEM_CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_problem(response) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
