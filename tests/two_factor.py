"""Helpers for tests that sign in with a second factor."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import SecurityPolicy
from core.tenancy import current_centre_id


def require_two_factor(*, staff=True, coordinator=True, trusted_days=0) -> SecurityPolicy:
    """The current centre's sign-in rules (the first centre's in a test)."""
    return SecurityPolicy.objects.update_or_create(centre_id=current_centre_id(), defaults={
        "staff_two_factor": staff, "coordinator_two_factor": coordinator, "trusted_device_days": trusted_days})[0]


def totp_code(device) -> str:
    """The code the person's app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def next_totp_code(device) -> str:
    """The code the person's app shows now, unless that 30 s period's code was already taken (a code
    is accepted once): then the next period's. Reckoned from the last period the server accepted, so
    a test that crosses a period boundary between two sign-ins still sends a code within tolerance."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.time += (device.last_t + 1 - totp.t()) * device.step
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
