"""The shared cache on Redis (CACHE_URL=redis://…): Django's RedisCache, short timeouts, and counters
that let requests through while Redis is away.

What lives in the cache: counters (the API's rate limits, django-ratelimit; the public forms' and
sign-in links' limits, core.throttle) and the generations that tell every process to drop its
short-lived copies of device tokens and days' plans (core.db.ttl_cache). Every app server must see the
same counts, so they live in Redis; but an outage of Redis must not stop a distribution day (every API
call counts its rate), so a counter Redis cannot reach counts as a first attempt: allowed, logged; and
for the next `PAUSE_SECONDS` the process does not wait for Redis again (one slow request, not every one).
Sign-in lockouts (axes), sessions, request ids and form tokens are in the database and do not depend on Redis.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger("kypseli.cache")

# A cache round trip on the scan's path: never wait long for an unreachable Redis.
TIMEOUT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry_on_timeout": False}
PAUSE_SECONDS = 5.0


def _unreachable():
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class SharedRedisCache(RedisCache):
    announces_forgets = True  # core.db.ttl_cache: the processes' short-lived copies are dropped everywhere

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**TIMEOUT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._down = _unreachable()
        self._paused_until = 0.0

    def _fail_open(self, operation, fallback, *args, **kwargs):
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except self._down as exc:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            log.warning("Redis cache unreachable (%s): %s let through; not asked again for %s s",
                        type(exc).__name__, operation, PAUSE_SECONDS)
            return fallback

    def add(self, *args, **kwargs):
        return self._fail_open("add", True, *args, **kwargs)  # a counter's first attempt in its window

    def incr(self, *args, **kwargs):
        return self._fail_open("incr", 1, *args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._fail_open("get", default, key, default, version)

    def set(self, *args, **kwargs):
        return self._fail_open("set", None, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._fail_open("delete", False, *args, **kwargs)
