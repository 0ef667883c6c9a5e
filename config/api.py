"""The JSON API at /api/v1/: each app contributes a router; OpenAPI at /api/v1/openapi.json."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

import distribution.api
import events.api
import inventory.api
import reports.api
import volunteers.api
from core.api import api_auth
from core.api import router as core_router

api = NinjaAPI(
    title="Kypseli API",
    version="1",
    description="Distribution, inventory, volunteers, events and reports of the Community Centre. "
    "Devices authenticate with `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def malformed_request(request, exc):
    # A request that does not match the schema is the client's mistake: 400 with the details.
    return api.create_response(
        request, {"message": _("The request is malformed."), "detail": exc.errors}, status=400
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"message": _("Sign-in or an API token is required.")}, status=401)


api.add_router("/", core_router)
api.add_router("/", inventory.api.router)
api.add_router("/", distribution.api.router)
api.add_router("/", volunteers.api.router)
api.add_router("/", events.api.router)
api.add_router("/", reports.api.router)
