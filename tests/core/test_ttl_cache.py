"""core.db.ttl_cache: what a process keeps for a few seconds (device tokens, the day's plan)."""

from core.db import ttl_cache as kept
from core.db.ttl_cache import TTLCache


def test_a_value_is_kept_for_its_seconds_then_read_again(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(kept.time, "monotonic", lambda: now[0])
    values = TTLCache(5, most=10)
    assert values.get("a") is None
    values.keep("a", 1)
    now[0] += 5
    assert values.get("a") == 1
    now[0] += 0.1
    assert values.get("a") is None


def test_drop_forget_and_the_most_entries():
    values = TTLCache(60, most=3)
    for key in "abc":
        values.keep(key, key.upper())
    values.drop("b")
    assert (values.get("a"), values.get("b")) == ("A", None)
    values.keep("d", "D")
    values.keep("e", "E")  # a fourth entry: start again rather than grow without end
    assert values.get("a") is None and values.get("e") == "E"
    values.forget(sender=object, instance=None)  # as a signal receiver
    assert values.entries == {}
