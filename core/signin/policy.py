"""Who must give a second factor, whether this session has, and when the person last proved who they are.

A session is *verified* when django-otp holds the device that confirmed it (`user.is_verified()`).
Each centre's coordinator sets its rules (core.models.SecurityPolicy: which roles need it); a person
signs in under the strictest rules of the centres she belongs to (`rules_for`). Volunteers never
need it (their quick sign-in by link or password stays). `AUTH_AT` is when the session last proved its
owner (sign-in, second factor, or re-authentication): the most sensitive actions want it recent.
"""

import time
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from ..roles import COORDINATOR

AUTH_AT = "kypseli_auth_at"


def current_policy(request=None):
    """The current centre's sign-in rules (what its coordinator edits), read once per request."""
    from ..models import SecurityPolicy

    if request is None:
        return SecurityPolicy.current()
    cached = getattr(request, "_kypseli_security_policy", None)
    if cached is None:
        cached = request._kypseli_security_policy = SecurityPolicy.current()
    return cached


@dataclass(frozen=True)
class PersonRules:
    """The rules one person signs in under: the strictest of her centres'."""

    two_factor: bool
    trusted_device_days: int


def _roles_by_centre(user) -> dict:
    """{centre id: role} of the person's active centres; a superuser is a coordinator at every one."""
    from ..models import Centre
    from ..tenancy import _memberships, scopes_disabled

    if user.is_superuser:
        with scopes_disabled():
            return dict.fromkeys(Centre.objects.filter(is_active=True).values_list("pk", flat=True), COORDINATOR)
    memberships = getattr(user, "_kypseli_memberships", None)
    if memberships is None:
        memberships = _memberships(user)
    return {m.centre_id: m.role for m in memberships}


def rules_for(user, request=None) -> PersonRules:
    """The sign-in rules of `user`: a second factor when any of her centres asks it of her role there,
    and the fewest days any of them lets a device be trusted. The sign-in is one act for a person
    whatever centre she then works in, so no centre's coordinator can weaken another centre's rules
    for the people they share. One query (the memberships are the request's; a superuser: two)."""
    from ..models import SecurityPolicy
    from ..tenancy import centres_scope

    if not getattr(user, "is_authenticated", False):
        return PersonRules(False, 0)
    cached = getattr(request, "_kypseli_sign_in_rules", None) if request is not None else None
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    roles = _roles_by_centre(user)
    saved = {}
    if roles:
        with centres_scope(list(roles)):
            saved = {p.centre_id: p for p in SecurityPolicy.objects.all()}
    default = SecurityPolicy.defaults()
    policies = {centre_id: saved.get(centre_id, default) for centre_id in roles}
    if not policies and user.is_superuser:  # an installation without centres yet: the settings' rules
        policies, roles = {None: default}, {None: COORDINATOR}
    rules = PersonRules(
        two_factor=any(policy.requires(roles[centre_id]) for centre_id, policy in policies.items()),
        trusted_device_days=min((p.trusted_device_days for p in policies.values()), default=0))
    if request is not None:
        request._kypseli_sign_in_rules = (user.pk, rules)
    return rules


def required_for(user, request=None) -> bool:
    """Whether this account must confirm its sign-in with a second factor (rules_for)."""
    return rules_for(user, request).two_factor


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_missing(request) -> bool:
    user = getattr(request, "user", None)
    return (user is not None and user.is_authenticated and not is_verified(user)
            and required_for(user, request))


def mark_authenticated(request) -> None:
    """The person just proved who they are (password, second factor, passkey)."""
    request.session[AUTH_AT] = int(time.time())


def authenticated_recently(request) -> bool:
    at = request.session.get(AUTH_AT)
    return isinstance(at, int) and time.time() - at <= settings.REAUTH_MINUTES * 60


def recent_authentication_required(view):
    """View decorator for the most sensitive actions (a person's data exported, households merged, API
    tokens, roles, the sign-in rules): the person must have proved who they are within REAUTH_MINUTES,
    else they do so first (second factor, or password without one) and come back to the page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not authenticated_recently(request):
            back = request.get_full_path() if request.method == "GET" else request.path
            return redirect(f"{reverse('security:reauthenticate')}?{urlencode({'next': back})}")
        return view(request, *args, **kwargs)

    wrapped.needs_recent_authentication = True
    return wrapped
