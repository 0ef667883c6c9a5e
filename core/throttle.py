"""Counting limits in the shared cache (every app server sees the same counts).

    from core.throttle import allow
    if not allow("password-reset:address", client_ip(request), limit=5, seconds=3600): ...

Each call counts one attempt for (scope, key) in a fixed window that starts with the first attempt;
`allow` is False once more than `limit` attempts were counted in the window. Keys are hashed, so
no phone number or e-mail address is stored in the cache in clear.
"""

import hashlib

from django.core.cache import cache


def _cache_key(scope: str, key: str) -> str:
    digest = hashlib.sha256(f"{scope}\0{key}".encode()).hexdigest()[:32]
    return f"kypseli:limit:{scope}:{digest}"


def hit(scope: str, key: str, *, seconds: int) -> int:
    """Count one attempt; returns the attempts counted in the current window (this one included)."""
    name = _cache_key(scope, str(key or "unknown"))
    if cache.add(name, 1, timeout=seconds):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=seconds)
        return 1


def allow(scope: str, key: str, *, limit: int, seconds: int) -> bool:
    """Count one attempt and say whether it is within the limit."""
    return hit(scope, key, seconds=seconds) <= limit


def public_form_allowed(request, scope: str) -> bool:
    """One more submission of a public form from this client address within the hour?
    (PUBLIC_FORMS_PER_ADDRESS_PER_HOUR; the address as core.net.client_ip reads it.)"""
    from django.conf import settings

    from .net import client_ip

    return allow(f"form:{scope}", client_ip(request) or "unknown",
                 limit=getattr(settings, "PUBLIC_FORMS_PER_ADDRESS_PER_HOUR", 5), seconds=3600)


def recipient_allowed(scope: str, recipient: str) -> bool:
    """One more message to this e-mail address or phone number today? (MESSAGES_PER_RECIPIENT_PER_DAY)"""
    from django.conf import settings

    return allow(f"to:{scope}", (recipient or "").strip().lower(),
                 limit=getattr(settings, "MESSAGES_PER_RECIPIENT_PER_DAY", 3), seconds=24 * 3600)
