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
