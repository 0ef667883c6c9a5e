"""API authentication, who may call what, and core's endpoints.

Devices send `Authorization: Bearer <token>`; the app's own pages use their session (with CSRF).
Each operation names the rule of the access table it needs (core.roles), as the pages do:

    @router.get("/stock", ...)
    @api_access("inventory.view_stock")
    def list_stock(request, ...): ...
"""

from functools import wraps

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.security import HttpBearer, SessionAuth

from .models import ApiToken
from .problems import problem_response
from .roles import refusal_message, role_of, roles_for
from .selectors import active_locations
from .services import user_for_token


class BearerToken(HttpBearer):
    openapi_description = "A device token created by the coordinator (`manage.py create_api_token`)."

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            from .tenancy import CentreRef, enter

            request.user = user
            request.centre_ref = CentreRef(id=user._token_centre_id)
            enter(request.centre_ref)  # the device works in its token's centre, whatever else is in scope
        return user


class Session(SessionAuth):
    """Session cookie of a signed-in user (the app's own pages); CSRF-checked for writes. A session
    still waiting for its second factor (core.signin) is not signed in here."""

    def authenticate(self, request, key):
        from .signin.policy import second_factor_missing

        user = super().authenticate(request, key)
        if user is not None and second_factor_missing(request):
            return None
        return user


api_auth = [BearerToken(), Session()]


# operationId (Django Ninja's default: module and function name) -> the access rule it declared
ACCESS_BY_OPERATION: dict[str, str] = {}


def token_revoked(user) -> bool:
    """Whether the device token `user` came with was revoked (or its user deactivated) since the
    process last read it (core.services keeps a token a few seconds): read now, one indexed query."""
    token_id = getattr(user, "_token_id", None)
    if token_id is None:
        return False
    return not ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True, user__is_active=True).exists()


def api_access(rule: str, *, token_now: bool = False):
    """Operation decorator: the signed-in user's role must be one the access rule grants, else the
    API's 403 problem document (code `forbidden`) says what the operation is and who may call it.
    The rule is also written into the OpenAPI document (`x-access`, core.openapi). `token_now`: a
    device token is checked against the database at every call, so that revoking it stops the
    operation at once in every process (the offline stations' manifests and syncs)."""
    roles_for(rule)  # a rule no app declares fails when the module is imported

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if token_now and token_revoked(request.user):
                return problem_response(401, code="not_authenticated", message=_("This device token was revoked."))
            if role_of(request.user) not in roles_for(rule):
                return problem_response(403, code="forbidden", message=refusal_message(rule))
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule
        ACCESS_BY_OPERATION[f"{view.__module__}_{view.__name__}".replace(".", "_")] = rule
        return wrapped

    return decorator

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
@api_access("core.see_locations")
def locations(request):
    return list(active_locations())
