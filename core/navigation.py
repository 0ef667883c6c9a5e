"""The menu each role sees. Apps add their entries through `navigation` on their AppConfig:

    navigation = [
        # (url name, label, roles that see it)
        ("inventory:stock", _("Stock"), ("staff",)),
    ]
"""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import COORDINATOR, STAFF, VOLUNTEER, has_role, may

CORE_NAVIGATION = [
    ("core:home", _("Home"), (COORDINATOR, STAFF, VOLUNTEER)),
]
CORE_NAVIGATION_END = [
    ("core:locations", _("Locations"), (STAFF,)),
    ("core:users", _("Users"), (COORDINATOR,)),
    ("core:audit_log", _("Audit log"), (COORDINATOR,)),
    ("core:api_tokens", _("API tokens"), (COORDINATOR,)),
    ("security:settings", _("Sign-in security"), (COORDINATOR,)),
    ("core:centre", _("Centre details"), (COORDINATOR,)),
]


def navigation_for(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    entries = list(CORE_NAVIGATION)
    for config in apps.get_app_configs():
        if config.name != "core":
            entries.extend(getattr(config, "navigation", []))
    entries.extend(CORE_NAVIGATION_END)
    items = []
    current = request.path
    for url_name, label, roles in entries:
        # roles: a rule of the access table ("inventory.view_stock") or a tuple of roles
        if not (may(user, roles) if isinstance(roles, str) else has_role(user, *roles)):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = current == url or (url != "/" and current.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return items
