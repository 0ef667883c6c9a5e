from .navigation import navigation_for, thumb_reach
from .oversight import area_name, oversights_of
from .roles import ROLE_LABELS, role_of
from .tenancy import current_centre, switchable_centres


def _oversight_area(user) -> str:
    oversights = oversights_of(user)
    return area_name(oversights[0]) if oversights else ""


def kypseli(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else ""
    navigation = navigation_for(request)
    centre = current_centre(required=False)
    centres = switchable_centres(user) if user is not None else []
    return {
        "centre": centre,
        # A regional or municipal role with no centre of her own works in no centre: the header names her
        # area, not the installation's first centre (whose scope her requests run in).
        "oversight_area": _oversight_area(user) if user is not None and user.is_authenticated and not centres
        else "",
        # The switcher shows when the person belongs to more than one centre (core.views_centres).
        "switch_centres": centres if len(centres) > 1 else [],
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
        "navigation": navigation,
        "thumb_reach": thumb_reach(user, navigation) if navigation else [],
    }
