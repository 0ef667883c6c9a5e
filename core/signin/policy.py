"""Who must give a second factor, whether this session has, and when the person last proved who they are.

A session is *verified* when django-otp holds the device that confirmed it (`user.is_verified()`).
The coordinator's rules (core.models.SecurityPolicy) say which roles need it; volunteers never do
(their quick sign-in by link or password stays). `AUTH_AT` is when the session last proved its
owner (sign-in, second factor, or re-authentication): the most sensitive actions want it recent.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from ..roles import COORDINATOR, STAFF, role_of

AUTH_AT = "kypseli_auth_at"


def current_policy(request=None):
    """The sign-in rules, read once per request."""
    from ..models import SecurityPolicy

    if request is None:
        return SecurityPolicy.current()
    cached = getattr(request, "_kypseli_security_policy", None)
    if cached is None:
        cached = request._kypseli_security_policy = SecurityPolicy.current()
    return cached


def required_for(user, policy=None) -> bool:
    """Whether this account must confirm its sign-in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    role = role_of(user)
    if role not in (STAFF, COORDINATOR) and not user.is_superuser:
        return False
    policy = policy or current_policy()
    if user.is_superuser or role == COORDINATOR:
        return policy.coordinator_two_factor
    return policy.staff_two_factor


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def second_factor_missing(request) -> bool:
    user = getattr(request, "user", None)
    return (user is not None and user.is_authenticated and not is_verified(user)
            and required_for(user, current_policy(request)))


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
