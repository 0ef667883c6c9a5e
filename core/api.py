"""API authentication and core's endpoints.

Devices send `Authorization: Bearer <token>`; the app's own pages use their session (with CSRF).
"""

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.security import HttpBearer, SessionAuth

from .roles import role_of
from .selectors import active_locations
from .services import user_for_token


class BearerToken(HttpBearer):
    openapi_description = "A device token created by the coordinator (`manage.py create_api_token`)."

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """Session cookie of a signed-in user (the app's own pages); CSRF-checked for writes."""


api_auth = [BearerToken(), Session()]

router = Router(tags=[str(_("Core"))])


class MeOut(Schema):
    username: str
    role: str
    language: str


class LocationOut(Schema):
    id: int
    name: str
    kind: str
    address: str
    phone: str


@router.get("/me", response=MeOut, summary="The signed-in user and role")
def me(request):
    return {"username": request.user.get_username(), "role": role_of(request.user),
            "language": request.user.language}


@router.get("/locations", response=list[LocationOut], summary="Active sites and store rooms")
def locations(request):
    return list(active_locations())
