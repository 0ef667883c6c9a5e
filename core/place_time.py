"""What else happens at a place and time, told by the apps that know, without importing them.

A distribution day's page and an event's page show the volunteer shifts at the same location and
hours, with their gaps; but distribution and events must not import volunteers (DESIGN.md). So core
keeps a small registry: an app registers a provider in its ``AppConfig.ready()``, and a page asks
core with ``{% load kypseli %}{% at_place_and_time location start end %}``. A provider is
``provider(context, location, start, end) -> str`` (safe HTML); the tag renders every provider's
answer in registration order. With the volunteers app removed, the pages simply show nothing more.
"""

from django.utils.safestring import mark_safe

_providers: dict = {}


def register(name: str, provider) -> None:
    """Register (or replace) the provider called `name`, e.g. "volunteers.shifts"."""
    _providers[name] = provider


def render_at(context, location, start, end) -> str:
    parts = [provider(context, location, start, end) for provider in _providers.values()]
    return mark_safe("".join(part for part in parts if part))  # noqa: S308 - each provider renders a template
