"""The API object every app's router is added to: errors as problem details, the OpenAPI contract.

Every non-2xx answer goes through `KypseliAPI.create_response` or an exception handler here and
leaves as `application/problem+json` (core/problems.py); what escapes Django Ninja (an unknown
path, a method a path does not have, a fault before the view) is turned into the same shape by
core.middleware.ApiMiddleware and core.views_errors.
"""

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser

from . import openapi
from .faults import is_transient, retry_after_seconds
from .problems import PROBLEM_CONTENT_TYPE, problem_body, problem_response
from .refusals import Refusal, refusal_text
from .validators import CONTROL_CHARACTERS_MESSAGE

logger = logging.getLogger("kypseli.api")


class UnsupportedMediaType(Exception):
    pass


class JsonParser(Parser):
    """Request bodies are JSON: anything else is refused with 415 before it is parsed."""

    def parse_body(self, request):
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType(content_type)
        return super().parse_body(request)


class KypseliAPI(NinjaAPI):
    def __init__(self, **kwargs):
        super().__init__(parser=JsonParser(), **kwargs)

    def create_response(self, request, data, *, status=None, temporal_response=None):
        status = temporal_response.status_code if temporal_response else status
        if status and status >= 400 and isinstance(data, dict) and "type" not in data:
            # A view's refusal ({"message": …}, or a scan station's {"outcome": …, "display": …}):
            # the same members, in the problem shape. `outcome` is the code of a door or table refusal.
            extra = {key: value for key, value in data.items() if key not in ("message", "code")}
            data = problem_body(status, code=data.get("code") or data.get("outcome"), message=data.get("message"),
                                **extra)
            response = super().create_response(request, data, status=status, temporal_response=temporal_response)
            response["Content-Type"] = PROBLEM_CONTENT_TYPE
            return response
        return super().create_response(request, data, status=status, temporal_response=temporal_response)

    def get_openapi_schema(self, **kwargs):
        return openapi.complete(super().get_openapi_schema(**kwargs), self)


def _field_errors(errors) -> list[dict]:
    return [{"loc": [str(part) for part in error.get("loc", ())], "msg": str(error.get("msg", "")),
             "type": str(error.get("type", ""))} for error in errors]


def _validation_error(request, exc: ValidationError):
    fields = ", ".join(".".join(str(p) for p in error.get("loc", ())[1:]) or str(error.get("loc", ("",))[0])
                       for error in exc.errors)
    if any(error.get("type") == "control_characters" for error in exc.errors):
        return problem_response(400, code="control_characters", message=f"{CONTROL_CHARACTERS_MESSAGE} ({fields})",
                                errors=_field_errors(exc.errors))
    return problem_response(400, code="invalid_request", message=_("The request is not valid: check %(fields)s.")
                            % {"fields": fields}, errors=_field_errors(exc.errors))


def _authentication_error(request, exc):
    return problem_response(401, headers={"WWW-Authenticate": 'Bearer realm="kypseli"'})


def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        if isinstance(exc.__cause__, RequestDataTooBig):
            return problem_response(413)
        if isinstance(exc.__cause__, UnsupportedMediaType):
            return problem_response(415)
        return problem_response(400, code="malformed_body", message=_("The request body is not valid JSON."))
    if exc.status_code == 403 and "csrf" in str(exc).lower():
        return problem_response(403, code="csrf_failed", message=_(
            "The CSRF check failed: reload the page and try again, or send an API token."))
    if isinstance(exc, Throttled):
        return rate_limited(exc.wait or 60)
    return problem_response(exc.status_code)


def rate_limited(seconds: int):
    return problem_response(429, headers={"Retry-After": str(max(1, int(seconds)))})


def unavailable():
    return problem_response(503, headers={"Retry-After": str(retry_after_seconds())})


def _not_found(request, exc):
    return problem_response(404)


def _any_exception(request, exc):
    if isinstance(exc, RequestDataTooBig):
        return problem_response(413)
    if is_transient(exc):
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exc)
        return unavailable()
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(500)


def _refusal(request, exc: Refusal):
    """A business rule refused the action (core.refusals): its status, code and message."""
    return problem_response(exc.status, code=exc.code, message=refusal_text(exc))


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(Refusal, _refusal)
    api.add_exception_handler(ValidationError, _validation_error)
    api.add_exception_handler(AuthenticationError, _authentication_error)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(Exception, _any_exception)
