"""Helpers for tests that sign in with a second factor."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import SecurityPolicy


def require_two_factor(*, staff=True, coordinator=True, trusted_days=0) -> SecurityPolicy:
    return SecurityPolicy.objects.update_or_create(pk=1, defaults={
        "staff_two_factor": staff, "coordinator_two_factor": coordinator, "trusted_device_days": trusted_days})[0]


def totp_code(device, *, steps_ahead=0) -> str:
    """The code the person's app shows now (or `steps_ahead` periods of 30 s later: a code is taken once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def add_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def verified_login(client, user):
    """`client.force_login` for an account that must use a second factor: signed in, and this session
    confirmed with an authenticator app (created when the account has none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or add_app(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
