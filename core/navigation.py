"""The menu each role sees. Apps add their entries through `navigation` on their AppConfig:

    navigation = [
        # (url name, label, roles that see it)
        ("inventory:stock", _("Stock"), ("staff",)),
    ]
"""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .roles import COORDINATOR, STAFF, VOLUNTEER, has_role, may, role_of

CORE_NAVIGATION = [
    ("core:home", _("Home"), (COORDINATOR, STAFF, VOLUNTEER)),
]
CORE_NAVIGATION_END = [
    ("core:locations", _("Locations"), (STAFF,)),
    ("core:messages", _("Messages"), "core.see_messages"),
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
        items.append({"url": url, "label": label, "active": active, "name": url_name})
    return items


# Within thumb reach on a phone (a bar at the foot of the screen): each role's most used pages, in this order,
# those of them its menu has (the menu follows the access table). A desk has the whole navigation instead.
THUMB_REACH = {
    VOLUNTEER: ["core:home", "distribution:station_pick", "volunteers:me", "events:door"],
    STAFF: ["core:home", "distribution:households", "distribution:days", "inventory:stock"],
    COORDINATOR: ["core:home", "distribution:households", "distribution:days", "volunteers:board"],
}

# A bar item is a quarter of a phone's width: where the menu's name has a word too long for it, a shorter one.
THUMB_LABELS = {"events:door": pgettext_lazy("phone's bottom bar", "Check-in")}


def thumb_reach(user, navigation) -> list[dict]:
    """The entries of `navigation` (the user's menu) that go in the phone's bottom bar."""
    wanted = THUMB_REACH.get(role_of(user), [])
    by_name = {item["name"]: item for item in navigation}
    return [{**by_name[name], "label": THUMB_LABELS.get(name, by_name[name]["label"])}
            for name in wanted if name in by_name]
