"""A per-process TTL cache: values a server process keeps for a few seconds instead of reading them
for every request.

For what a scanning device asks for every card (its token's user, the day's plan): under load the
same few rows would be read hundreds of times a second. Each process keeps its own copy: an edit
reaches the process that saved it at once (its signal receivers call `forget`) and the others when
their copy is older than `seconds`. Safe to share between a worker's threads: plain dict operations.

Not cachetools.TTLCache: that one is not safe to share between threads without a lock (its reads
reorder a linked list), and a lock on every scan costs more than these 30 lines; when full it evicts
the least recently used entry, where this one starts again (a full cache means keys that are no
longer asked for: a day's plan of yesterday, a revoked device's token).

Several server processes with Redis as the shared cache (CACHE_URL=redis://…): a cache made with
`shared="<name>"` also announces each `forget` there (a new generation under its name), and every
process looks at the generation at most every `LOOK_SECONDS` when it reads: a revoked token or an
edited plan is then dropped by every process within LOOK_SECONDS instead of `seconds`, for one Redis
read per process and cache every LOOK_SECONDS (not one per scan). Without Redis (the database cache)
nothing is announced: a database round trip per look would cost more than it saves.
"""

import secrets
import time

LOOK_SECONDS = 0.1


def _announcing_cache():
    """The shared cache when it is Redis (core.db.cache.SharedRedisCache), else None."""
    from django.core.cache import cache

    return cache if getattr(cache, "announces_forgets", False) else None


class TTLCache:
    """`get(key)` gives the value kept for at most `seconds`; `most` entries at most."""

    def __init__(self, seconds: float, most: int, *, shared: str = ""):
        self.seconds = seconds
        self.most = most  # more entries than this: start again (keys not asked for in a while)
        self.entries: dict = {}
        self.shared_key = f"kypseli:forgotten:{shared}" if shared else ""
        self.generation = None
        self.looked_at = 0.0

    def _look(self) -> None:
        """Drop everything when another process has forgotten since this one last looked."""
        now = time.monotonic()
        if now - self.looked_at < LOOK_SECONDS:
            return
        self.looked_at = now
        cache = _announcing_cache()
        if cache is None:
            return
        generation = cache.get(self.shared_key)
        if generation != self.generation:
            self.entries.clear()
            self.generation = generation

    def get(self, key):
        """The value kept for `key`, or None when there is none or it is older than `seconds`."""
        if self.shared_key:
            self._look()
        kept = self.entries.get(key)
        if kept is None or time.monotonic() - kept[0] > self.seconds:
            return None
        return kept[1]

    def keep(self, key, value) -> None:
        if len(self.entries) >= self.most:
            self.entries.clear()
        self.entries[key] = (time.monotonic(), value)

    def drop(self, key) -> None:
        self.entries.pop(key, None)

    def forget(self, **_signal) -> None:
        """Drop everything (also a signal receiver); with Redis, every process drops its copy too."""
        self.entries.clear()
        cache = _announcing_cache() if self.shared_key else None
        if cache is not None:
            cache.set(self.shared_key, secrets.token_hex(8), timeout=None)
