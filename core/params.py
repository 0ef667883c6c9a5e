"""Numbers read from a page's address (`?days=30`): whatever was typed, a number within bounds.

A query string is typed by people and scripts alike ("abc", "-5", a 25-digit number); the page then
shows its default instead of failing.
"""


def int_param(query, name: str, default: int, *, minimum: int, maximum: int) -> int:
    """`query[name]` as an int between minimum and maximum; `default` when it is missing or not a number."""
    raw = (query.get(name) or "").strip()
    if not raw.lstrip("-").isdigit() or len(raw) > 12:
        return default
    return max(minimum, min(int(raw), maximum))
