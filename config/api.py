"""The JSON API at /api/v1/: each app contributes a router; OpenAPI at /api/v1/openapi.json."""

import distribution.api
import events.api
import inventory.api
import reports.api
import volunteers.api
from core.api import api_auth
from core.api import router as core_router
from core.api_base import KypseliAPI, install_error_handlers

api = KypseliAPI(
    title="Kypseli API",
    version="1",
    description="Distribution, inventory, volunteers, events and reports of the Community Centre. "
    "Devices authenticate with `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", inventory.api.router)
api.add_router("/", distribution.api.router)
api.add_router("/", volunteers.api.router)
api.add_router("/", events.api.router)
api.add_router("/", reports.api.router)
