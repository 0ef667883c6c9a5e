"""The shared cache: Redis when CACHE_URL says so (the rate limits of every server process with it),
and an unreachable Redis lets requests through instead of stopping them."""

import os
import socket
import subprocess
import sys
import time

from core.db.cache import SharedRedisCache


def _caches_of(**env):
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(*(f\"{name}={c['BACKEND']}\" for name, c in sorted(s.CACHES.items())))")
    full = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "API_RATE_CACHE_URL"}}
    full.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", **env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60,
                          check=True).stdout.split()


def test_redis_in_cache_url_shares_the_rate_limits_too():
    assert _caches_of(CACHE_URL="redis://cache.example.org:6379/1") == [
        "api_rate=core.db.cache.SharedRedisCache", "default=core.db.cache.SharedRedisCache"]


def test_without_redis_the_database_cache_and_process_local_rate_counters():
    assert _caches_of() == ["api_rate=django.core.cache.backends.locmem.LocMemCache",
                            "default=django.core.cache.backends.db.DatabaseCache"]
    assert _caches_of(API_RATE_CACHE_URL="redis://cache.example.org:6379/2") == [
        "api_rate=core.db.cache.SharedRedisCache", "default=django.core.cache.backends.db.DatabaseCache"]


def test_an_unreachable_redis_counts_every_attempt_as_a_first_and_answers_at_once(caplog):
    cache = SharedRedisCache("redis://127.0.0.1:9/0", {})  # nothing listens on port 9
    started = time.monotonic()
    assert cache.add("kypseli:limit:x", 1, timeout=60) is True
    assert cache.incr("kypseli:limit:x") == 1
    assert cache.get("kypseli:limit:x", "none") == "none"
    cache.set("kypseli:limit:x", 1, timeout=60)
    assert time.monotonic() - started < 5
    assert "Redis cache unreachable" in caplog.text


def test_a_redis_that_hangs_costs_one_request_half_a_second_not_every_request(caplog):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections (the kernel does) and never answers
    try:
        cache = SharedRedisCache(f"redis://127.0.0.1:{listener.getsockname()[1]}/0", {})
        started = time.monotonic()
        assert cache.add("kypseli:limit:y", 1, timeout=60) is True
        first = time.monotonic() - started
        assert 0.4 < first < 3
        started = time.monotonic()
        assert [cache.add("kypseli:limit:y", 1, timeout=60) for _ in range(20)] == [True] * 20
        assert time.monotonic() - started < 0.1  # paused: Redis is not asked again for a few seconds
        assert caplog.text.count("Redis cache unreachable") == 1
    finally:
        listener.close()


def test_two_processes_count_on_one_redis():
    """Two caches on one Redis (as two server processes have): what one counts the other sees."""
    first, second = (SharedRedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": f"kypseli-test-{os.getpid()}"})
                     for _ in range(2))
    first.delete("count")
    assert first.add("count", 1, timeout=30) is True
    assert second.add("count", 1, timeout=30) is False, "is Redis running on 127.0.0.1:6379?"
    assert second.incr("count") == 2 and first.get("count") == 2
    first.delete("count")


def test_a_forget_in_one_process_drops_the_copies_of_every_process(settings, monkeypatch):
    """Two TTL caches of one name (as two server processes have): with Redis as the shared cache, what
    one forgets the other drops at its next look (at most LOOK_SECONDS later)."""
    from core.db import ttl_cache

    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "core.db.cache.SharedRedisCache",
                                                      "LOCATION": "redis://127.0.0.1:6379/0",
                                                      "KEY_PREFIX": f"kypseli-test-{os.getpid()}"}}
    from django.core.cache import cache

    cache.delete("kypseli:forgotten:tokens")
    now = [1000.0]
    monkeypatch.setattr(ttl_cache.time, "monotonic", lambda: now[0])
    here, there = (ttl_cache.TTLCache(5, most=10, shared="tokens") for _ in range(2))
    here.keep("token", "user")
    assert here.get("token") == "user"
    there.forget()
    assert here.get("token") == "user"  # looked less than LOOK_SECONDS ago
    now[0] += ttl_cache.LOOK_SECONDS
    assert here.get("token") is None
    here.keep("token", "user")
    now[0] += ttl_cache.LOOK_SECONDS
    assert here.get("token") == "user"  # nothing forgotten since


def test_without_redis_nothing_is_announced(settings, monkeypatch):
    from core.db import ttl_cache

    now = [1000.0]
    monkeypatch.setattr(ttl_cache.time, "monotonic", lambda: now[0])
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    here, there = (ttl_cache.TTLCache(5, most=10, shared="tokens") for _ in range(2))
    here.keep("token", "user")
    there.forget()
    now[0] += 1
    assert here.get("token") == "user"  # within its 5 s, as before
