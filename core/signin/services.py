"""Every write about second factors, the sign-in rules and sessions: one function per action, audited.

An entry names the account whose factors changed (the record "user <id>") and who did it; the kind
of factor is kept ("totp", "passkey", "recovery_codes"), never a secret or a device's name.
"""

import logging
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ..audit import audit, audited_save
from ..models import AuditLog, RecoveryCode, RecoveryCodes, SecurityPolicy
from .policy import mark_authenticated
from .sessions import end_all_sessions

logger = logging.getLogger(__name__)
RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "recovery"
KINDS = {TOTPDevice: "totp", WebAuthnCredential: "passkey", RecoveryCodes: "recovery_codes"}


@dataclass
class Factor:
    kind: str
    device: object
    created: datetime | None
    last_used: datetime | None
    remaining: int | None = None  # recovery codes not yet used


def _tell_owner(account, what) -> None:
    """The person hears of every change of their factors by e-mail, once the change is committed: a
    change they did not make is how they learn of an intruder (and they are told whom to tell)."""
    if not account.email:
        return

    def send():
        from django.core.mail import send_mail
        from django.utils import timezone, translation
        from django.utils.translation import gettext as _

        from ..models import Centre

        with translation.override(account.language or None):
            centre = Centre.current()
            subject = _("Your sign-in at %(centre)s changed") % {"centre": centre.short_name or centre.name}
            text = _("%(what)s (%(when)s). If it was not you, tell the coordinator at once: someone may know "
                     "your password.") % {"what": what, "when": timezone.localtime().strftime("%d/%m/%Y %H:%M")}
        try:
            send_mail(subject, text, None, [account.email])
        except Exception:  # noqa: BLE001 - the change stands; the audit log has it
            logger.exception("Could not tell user %s of a change of their second factors", account.pk)

    transaction.on_commit(send)


def kind_of(device) -> str:
    return KINDS.get(type(device), type(device).__name__.lower())


def factors_of(user) -> list[Factor]:
    """The confirmed factors of an account: authenticator apps, passkeys, then its recovery codes."""
    found = [Factor("totp", d, d.created_at, d.last_used_at)
             for d in TOTPDevice.objects.filter(user=user, confirmed=True)]
    found += [Factor("passkey", d, d.created_at, d.last_used_at)
              for d in WebAuthnCredential.objects.filter(user=user, confirmed=True)]
    for device in RecoveryCodes.objects.filter(user=user, confirmed=True):
        found.append(Factor("recovery_codes", device, device.created_at, device.last_used_at,
                            remaining=device.codes.count()))
    return found


def has_factor(user) -> bool:
    """An authenticator app or a passkey (recovery codes alone are no way to sign in every day)."""
    return (TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def totp_issuer(device=None) -> str:
    """The name authenticator apps show beside the code (OTP_TOTP_ISSUER)."""
    from ..models import Centre

    centre = Centre.current()
    return (centre.short_name or centre.name or "Kypseli")[:60]


@transaction.atomic
def start_totp(user) -> TOTPDevice:
    """A new authenticator app, not yet confirmed (its key is shown once as a QR code); any earlier
    unconfirmed one of the account is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def confirm_totp(request, device: TOTPDevice, code: str) -> bool:
    """The first code from the app confirms it: the app becomes a factor of the account, and this
    session counts as confirmed with it."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed or device.user_id != request.user.pk or not device.verify_token(_digits(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit(AuditLog.Action.FACTOR_ADDED, request.user, user=request.user, changes={"factor": "totp"})
    _tell_owner(request.user, _("An authenticator app was added to your account"))
    _now_verified(request, device)
    return True


def passkey_added(request, device) -> None:
    audit(AuditLog.Action.FACTOR_ADDED, request.user, user=request.user, changes={"factor": "passkey"})
    _tell_owner(request.user, _("A passkey was added to your account"))


@transaction.atomic
def new_recovery_codes(user, *, by) -> list[str]:
    """Ten new one-time recovery codes (the old ones stop working); returned to be shown once, and kept
    only as salted hashes (core.models.RecoveryCodes)."""
    RecoveryCodes.objects.filter(user=user).delete()
    device = RecoveryCodes.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODES:
        code = b32encode(secrets.token_bytes(10)).decode().lower()  # 80 random bits, 16 letters and digits
        if code not in codes:
            codes.append(code)
    salts = [secrets.token_hex(8) for _code in codes]
    RecoveryCode.objects.bulk_create([RecoveryCode(codes=device, salt=salt, digest=RecoveryCode.hashed(salt, code))
                                      for salt, code in zip(salts, codes, strict=True)])
    audit(AuditLog.Action.FACTOR_ADDED, user, user=by, changes={"factor": "recovery_codes", "count": len(codes)})
    _tell_owner(user, _("New recovery codes were made for your account (the earlier ones no longer work)"))
    return codes


@transaction.atomic
def remove_factor(user, device, *, by) -> None:
    """The account's owner removes one of their factors (a lost phone they replaced, an old key)."""
    kind = kind_of(device)
    device.delete()
    audit(AuditLog.Action.FACTOR_REMOVED, user, user=by, changes={"factor": kind})
    _tell_owner(user, _("A second factor was removed from your account"))


def _digits(code: str) -> str:
    """A typed code without the spaces and dashes it is shown (or copied) with."""
    return "".join((code or "").split()).replace("-", "")


def shown(code: str) -> str:
    """A recovery code as shown: groups of four."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def verify_code(request, code: str):
    """The second step with a code: an authenticator app's code, or a recovery code (each works once).
    Returns the device that took it, or None (the refusal is in the audit log). A device that refused
    too many codes in a row refuses everything for a while (django-otp's throttling)."""
    code = _digits(code)
    user = request.user
    device = None
    with transaction.atomic():
        if code.isdigit() and len(code) == 6:
            for candidate in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
                if candidate.verify_token(code):
                    device = candidate
                    break
        if device is None and code:
            for candidate in RecoveryCodes.objects.filter(user=user, confirmed=True).select_for_update():
                if candidate.verify_token(code.lower()):
                    device = candidate
                    break
    if device is None:
        audit(AuditLog.Action.FACTOR_FAILED, user, user=user, changes={"factor": "code"})
        return None
    _now_verified(request, device)
    return device


def throttled(user) -> bool:
    """Every code device of the account is refusing for now (too many wrong codes)."""
    devices = [*TOTPDevice.objects.filter(user=user, confirmed=True),
               *RecoveryCodes.objects.filter(user=user, confirmed=True)]
    return bool(devices) and not any(device.verify_is_allowed()[0] for device in devices)


def _now_verified(request, device, **changes) -> None:
    """The session is confirmed by `device`: a new session id (a step up in privilege), the time of the
    proof, and an audit entry."""
    otp_login(request, device)
    request.session.cycle_key()
    mark_authenticated(request)
    audit(AuditLog.Action.FACTOR_VERIFIED, request.user, user=request.user,
          changes={"factor": kind_of(device), **changes})


def passkey_verified(request, device) -> None:
    _now_verified(request, device)


def trusted_device_used(request, device) -> None:
    _now_verified(request, device, trusted_device=True)


def reauthenticated(request, how: str) -> None:
    request.session.cycle_key()
    mark_authenticated(request)
    audit(AuditLog.Action.REAUTHENTICATED, request.user, user=request.user, changes={"with": how})


def factor_refused(request, factor: str) -> None:
    """A passkey or a password (when confirming who one is) that did not prove it."""
    audit(AuditLog.Action.FACTOR_FAILED, request.user, user=request.user, changes={"factor": factor})


@transaction.atomic
def reset_factors(account, *, by) -> int:
    """The coordinator resets a person's lost factors: all of them go (apps, passkeys, recovery codes),
    every session of the account ends, and at the next sign-in the person enrols again."""
    removed = 0
    for model in (TOTPDevice, WebAuthnCredential, RecoveryCodes):
        count, _detail = model.objects.filter(user=account).delete()
        removed += count
    end_all_sessions(account)
    audit(AuditLog.Action.FACTOR_RESET, account, user=by, changes={"removed": removed})
    _tell_owner(account, _("The coordinator reset the second factors of your account; at your next sign-in "
                           "you add a new one"))
    return removed


def sign_out_everywhere(request) -> None:
    """The person's every session ends, this one too."""
    user = request.user
    with transaction.atomic():
        end_all_sessions(user)
        audit(AuditLog.Action.SIGNED_OUT_ALL, user, user=user)
    from django.contrib.auth import logout

    logout(request)


POLICY_FIELDS = ["staff_two_factor", "coordinator_two_factor", "trusted_device_days"]


@transaction.atomic
def save_policy(policy: SecurityPolicy, *, by) -> SecurityPolicy:
    audited_save(policy, POLICY_FIELDS, by=by)
    return policy


@transaction.atomic
def unlock_sign_in(attempt, *, by) -> None:
    """The coordinator lifts a sign-in lock (django-axes) before its time is over."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(pk=attempt.pk).delete()
    audit(AuditLog.Action.CHANGE, model=AccessAttempt, object_id=attempt.pk, user=by,
          changes={"unlocked": True, "failures": attempt.failures_since_start})
