"""The client's address, the same for sign-in throttling (django-axes), rate limits and the audit log.

Without a reverse proxy (setting TRUSTED_PROXY_COUNT = 0, from the environment's AXES_PROXY_COUNT)
it is the socket's peer, REMOTE_ADDR, and any X-Forwarded-For header is ignored: a client writes
that header itself.

Behind N trusted proxies that each append the address they received the request from
(nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`), the last N entries of
X-Forwarded-For were written by those proxies, and the N-th from the right is the address the
first proxy saw: the client. Everything left of it came from the client and is never read, so a
made-up entry changes nothing. A request whose header holds fewer entries than there are proxies
did not come through them as configured: REMOTE_ADDR is used.
"""

import ipaddress

from django.conf import settings


def _valid(address) -> str | None:
    address = (address or "").strip()
    if address.startswith("[") and "]" in address:  # "[2001:db8::1]:443"
        address = address[1:address.index("]")]
    elif address.count(":") == 1:  # "192.0.2.1:52311"
        address = address.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def proxy_count() -> int:
    return max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0))


def client_ip(request) -> str | None:
    """The client's address (a string), or None when the request carries none that is valid."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = _valid(meta.get("REMOTE_ADDR"))
    count = proxy_count()
    if not count:
        return remote
    entries = [entry for entry in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if entry.strip()]
    if len(entries) < count:
        return remote
    return _valid(entries[-count]) or remote
