from .navigation import navigation_for, thumb_reach
from .roles import ROLE_LABELS, role_of
from .tenancy import current_centre, switchable_centres


def kypseli(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else ""
    navigation = navigation_for(request)
    centre = current_centre(required=False)
    centres = switchable_centres(user) if user is not None else []
    return {
        "centre": centre,
        # The switcher shows when the person belongs to more than one centre (core.views_centres).
        "switch_centres": centres if len(centres) > 1 else [],
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
        "navigation": navigation,
        "thumb_reach": thumb_reach(user, navigation) if navigation else [],
    }
