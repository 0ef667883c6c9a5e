from .models import Centre
from .navigation import navigation_for, thumb_reach
from .roles import ROLE_LABELS, role_of


def kypseli(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else ""
    navigation = navigation_for(request)
    return {
        "centre": Centre.current(),
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
        "navigation": navigation,
        "thumb_reach": thumb_reach(user, navigation) if navigation else [],
    }
