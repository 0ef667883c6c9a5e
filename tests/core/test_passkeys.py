"""Passkeys (WebAuthn) as a second factor, at the server: the real ceremonies of django-otp-webauthn
answered by a software authenticator (tests/webauthn_soft.py). The browser's side is in
tests/browser/test_two_factor.py (Chromium's virtual authenticator)."""

import pytest
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from core.models import AuditLog
from tests.factories import UserFactory
from tests.two_factor import require_two_factor
from tests.webauthn_soft import SoftPasskey

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def _post(client, name, data=None):
    return client.post(reverse(f"otp_webauthn:{name}"), data or {}, content_type="application/json")


def _register(client, passkey):
    options = _post(client, "credential-registration-begin").json()
    assert options["rp"]["id"] == "testserver"
    return _post(client, "credential-registration-complete", passkey.create(options))


def _authenticate(client, passkey):
    options = _post(client, "credential-authentication-begin").json()
    return _post(client, "credential-authentication-complete", passkey.get(options))


def _sign_in(client, username):
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302


def test_enrol_a_passkey_then_sign_in_with_it(client, staff_user):
    require_two_factor()
    passkey = SoftPasskey()
    _sign_in(client, "staff1")
    response = _register(client, passkey)
    assert response.status_code == 200, response.content
    assert WebAuthnCredential.objects.filter(user=staff_user, confirmed=True).count() == 1
    assert client.get(reverse("distribution:households")).status_code == 200  # enrolling confirmed the session
    added = AuditLog.objects.get(action="factor_added", user=staff_user)
    assert added.changes == {"factor": "passkey"}

    other = client.__class__()
    _sign_in(other, "staff1")
    assert other.get(reverse("distribution:households"))["Location"].startswith(reverse("security:verify"))
    before = other.cookies["sessionid"].value
    response = _authenticate(other, passkey)
    assert response.status_code == 200, response.content
    assert response.json()["redirect_url"] == reverse("core:home")
    assert other.cookies["sessionid"].value != before
    assert other.get(reverse("distribution:households")).status_code == 200
    verified = AuditLog.every_centre.filter(action="factor_verified", user=staff_user, changes__factor="passkey")
    assert verified.count() == 2


def test_a_passkey_is_never_a_sign_in_by_itself(client, staff_user):
    require_two_factor()
    passkey = SoftPasskey()
    _sign_in(client, "staff1")
    _register(client, passkey)
    anonymous = client.__class__()
    assert _post(anonymous, "credential-authentication-begin").status_code == 403
    assert "_auth_user_id" not in anonymous.session


def test_someone_elses_passkey_does_not_confirm_my_sign_in(client, staff_user):
    require_two_factor()
    theirs = SoftPasskey()
    _sign_in(client, "staff1")
    _register(client, theirs)
    UserFactory(username="staff2", role="staff")
    mine = client.__class__()
    _sign_in(mine, "staff2")
    response = _authenticate(mine, theirs)
    assert response.status_code in (403, 404)
    assert mine.get(reverse("distribution:households")).status_code == 302
    assert AuditLog.every_centre.filter(action="factor_failed", username="staff2", changes__factor="passkey").exists()


def test_a_replayed_passkey_answer_is_refused(client, staff_user):
    require_two_factor()
    passkey = SoftPasskey()
    _sign_in(client, "staff1")
    _register(client, passkey)
    other = client.__class__()
    _sign_in(other, "staff1")
    options = _post(other, "credential-authentication-begin").json()
    answer = passkey.get(options)
    assert _post(other, "credential-authentication-complete", answer).status_code == 200
    assert _post(other, "credential-authentication-complete", answer).status_code == 400  # challenge spent


def test_with_a_factor_a_second_passkey_needs_the_second_step_first(client, staff_user):
    require_two_factor()
    _sign_in(client, "staff1")
    _register(client, SoftPasskey())
    other = client.__class__()
    _sign_in(other, "staff1")
    assert _post(other, "credential-registration-begin").status_code == 403
    assert WebAuthnCredential.objects.filter(user=staff_user).count() == 1
