"""Absolute links: from the request being answered when there is one (its host is one of
ALLOWED_HOSTS and its scheme comes through the proxy's X-Forwarded-Proto), else from SITE_URL
(messages sent from cron jobs and other commands). `check --deploy` refuses a SITE_URL left at
its loopback default when DEBUG is off (core.checks)."""

from django.conf import settings
from django.core.exceptions import DisallowedHost

from .middleware import current_request


def absolute_url(path: str, request=None) -> str:
    """The full address of `path` (as reverse() gives it), in the current centre: another centre's than
    the first gets its /c/<slug> prefix, so the public (or a person of that centre) who follows the link
    lands in the right centre whatever the session or job that wrote it."""
    from .tenancy import ADDRESS_PREFIX, address_prefix

    if not path.startswith(ADDRESS_PREFIX):
        path = address_prefix() + path
    request = request or current_request()
    if request is not None:
        try:
            return request.build_absolute_uri(path)
        except DisallowedHost:
            pass
    return settings.SITE_URL.rstrip("/") + path
