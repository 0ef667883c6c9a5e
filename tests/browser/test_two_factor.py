"""Second factors in Chromium: enrolling an authenticator app (the code computed from the key the page
shows) and a passkey (Chromium's virtual authenticator, through the DevTools protocol), then signing
in with each. The login form, the second step and the factor pages pass axe-core."""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.factories import UserFactory
from tests.two_factor import next_totp_code, require_two_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-password-42"


def _code_for(secret: str) -> str:
    return f"{TOTP(base64.b32decode(secret.replace(' ', ''))).token():06d}"


def _sign_in(page, username="maria"):
    page.goto("/accounts/login/")
    page.get_by_label("Όνομα χρήστη").fill(username)
    page.get_by_label("Κωδικός").fill(PASSWORD)
    page.get_by_role("button", name="Σύνδεση").click()


def _virtual_authenticator(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})
    return cdp


def test_enrol_an_app_then_sign_in_with_its_code(page, axe_check):
    require_two_factor()
    UserFactory(username="maria", role="staff", password=PASSWORD)
    _sign_in(page)
    page.wait_for_url("**/security/two-factor/setup/**")
    axe_check(page)
    page.get_by_test_id("add-app").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    assert page.get_by_test_id("totp-qr").locator("svg").count() == 1
    page.get_by_label("Τα έξι ψηφία που δείχνει η εφαρμογή").fill(_code_for(secret))
    page.get_by_role("button", name="Προσθήκη της εφαρμογής").click()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}(-[a-z2-7]{4}){3}", c) for c in codes)
    page.get_by_role("link", name="Τους φύλαξα").click()
    page.get_by_role("button", name="Αποσύνδεση", exact=True).click()

    _sign_in(page)
    page.wait_for_url("**/security/two-factor/**")
    axe_check(page)
    # Not the code used to enrol (taken once): the next one, reckoned from the period the server took.
    page.locator("#id_code").fill(next_totp_code(TOTPDevice.objects.get(user__username="maria")))
    page.get_by_role("button", name="Επιβεβαίωση").click()
    page.wait_for_url(re.compile(r".*/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Καλώς ήρθατε")


def test_enrol_a_passkey_then_sign_in_with_it(context, page, live_server):
    require_two_factor()
    user = UserFactory(username="maria", role="staff", password=PASSWORD)
    _virtual_authenticator(context, page)
    _sign_in(page)
    page.wait_for_url("**/security/two-factor/setup/**")
    page.get_by_test_id("add-passkey").click()
    page.get_by_test_id("factors").wait_for()  # the page comes back listing the new passkey
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    page.get_by_role("button", name="Αποσύνδεση", exact=True).click()

    _sign_in(page)
    page.wait_for_url("**/security/two-factor/**")
    page.get_by_test_id("use-passkey").click()
    page.wait_for_url(re.compile(r".*/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Καλώς ήρθατε")
    assert WebAuthnCredential.objects.get(user=user).last_used_at is not None
