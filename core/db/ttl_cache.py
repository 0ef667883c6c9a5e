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
"""

import time


class TTLCache:
    """`get(key)` gives the value kept for at most `seconds`; `most` entries at most."""

    def __init__(self, seconds: float, most: int):
        self.seconds = seconds
        self.most = most  # more entries than this: start again (keys not asked for in a while)
        self.entries: dict = {}

    def get(self, key):
        """The value kept for `key`, or None when there is none or it is older than `seconds`."""
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
        """Drop everything (also a signal receiver)."""
        self.entries.clear()
