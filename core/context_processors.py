from .models import Centre
from .navigation import navigation_for
from .roles import ROLE_LABELS, role_of


def kypseli(request):
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None else ""
    return {
        "centre": Centre.current(),
        "user_role": role,
        "user_role_label": ROLE_LABELS.get(role, ""),
        "navigation": navigation_for(request),
    }
