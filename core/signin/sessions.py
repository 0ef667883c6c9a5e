"""Sessions: ending every session of an account, and the "trusted device" cookie.

Every session of an account carries a hash of its password and its `sessions_epoch`
(core.models.User._get_session_auth_hash); raising the epoch ends them all at their next request.
It is raised by "sign out everywhere", by a reset of the account's second factors and by a change
of its role (a new privilege starts with a new sign-in, hence a new session id).

A trusted device is a signed cookie naming the account, the device that confirmed the sign-in and
the epoch: it stops working when the epoch changes, the device is removed, the coordinator turns
trusted devices off, or its days are over.
"""

from django.contrib.auth import get_user_model, update_session_auth_hash
from django.core import signing
from django.db.models import F

TRUST_COOKIE = "kypseli_trusted_device"
_TRUST_SALT = "kypseli.security.trusted-device"


def end_all_sessions(user, *, request=None) -> None:
    """Every session of `user` ends (and every trusted device is forgotten). With `request` of that
    same user, the current session stays, under a new session id."""
    get_user_model().objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    user.refresh_from_db(fields=["sessions_epoch"])
    if request is not None and getattr(request.user, "pk", None) == user.pk:
        update_session_auth_hash(request, user)


def trust_device(response, user, device, *, days: int) -> None:
    value = signing.dumps({"u": user.pk, "d": device.persistent_id, "e": user.sessions_epoch}, salt=_TRUST_SALT)
    from django.conf import settings

    response.set_cookie(TRUST_COOKIE, value, max_age=days * 86400, secure=settings.SESSION_COOKIE_SECURE, httponly=True,
                        samesite="Lax")


def trusted_device(request, user, *, days: int):
    """The device a valid trust cookie of this browser names for `user`, else None."""
    from django_otp.models import Device

    if days <= 0 or TRUST_COOKIE not in request.COOKIES:
        return None
    try:
        data = signing.loads(request.COOKIES[TRUST_COOKIE], salt=_TRUST_SALT, max_age=days * 86400)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or data.get("e") != user.sessions_epoch:
        return None
    device = Device.from_persistent_id(str(data.get("d", "")))
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device
