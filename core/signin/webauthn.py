"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn.

Its views do the ceremonies; ours add what Kypseli needs around them: a passkey is only a second
factor (never a sign-in without the password), confirming with one gives a new session id and an
audit entry like any factor, and adding one is audited. The relying party is the site's own host
(WEBAUTHN_RP_ID, by default the host of SITE_URL); in development (WEBAUTHN_ACCEPT_PAGE_ORIGIN) the
page's own origin is also accepted, so that http://localhost:<port> works.
"""

import json

from django.conf import settings
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from ..roles import STAFF, has_role, public
from .policy import is_verified


class NotForThisRole(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_code = "forbidden"
    default_detail = "Passkeys are for staff and coordinators."


class StaffOnly:
    """Passkeys are a second factor of staff, coordinators and administrators (volunteers have none)."""

    access_policy = (STAFF,)

    def initial(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, STAFF):
            raise NotForThisRole()
        super().initial(request, *args, **kwargs)


class BeginRegistration(StaffOnly, BeginCredentialRegistrationView):
    pass


class BeginAuthentication(StaffOnly, BeginCredentialAuthenticationView):
    pass


def rp_id(request) -> str:
    """The relying party: WEBAUTHN_RP_ID, else (development) the host the page was asked for."""
    return settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0].strip("[]")


def rp_name(request) -> str:
    from .services import totp_issuer

    return totp_issuer()


class Helper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        origins = list(super().get_allowed_origins())
        if settings.WEBAUTHN_ACCEPT_PAGE_ORIGIN:
            origins.append(f"{self.request.scheme}://{self.request.get_host()}")
        return origins


class CompleteRegistration(StaffOnly, CompleteCredentialRegistrationView):
    def post(self, *args, **kwargs):
        from .services import passkey_added, passkey_verified

        was_verified = is_verified(self.request.user)
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            device = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"])
            passkey_added(self.request, device)
            if not was_verified:  # a first factor: this session counts as confirmed with it
                passkey_verified(self.request, device)
        return response


class CompleteAuthentication(StaffOnly, CompleteCredentialAuthenticationView):
    def complete_auth(self, device):
        from .services import passkey_verified

        if not self.request.user.is_authenticated:
            raise exceptions.PasswordlessLoginDisabled()
        if device.user_id != self.request.user.pk:
            raise exceptions.CredentialUserMismatch()
        passkey_verified(self.request, device)

    def handle_exception(self, exc):
        from .services import factor_refused

        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            factor_refused(self.request, "passkey")
        return super().handle_exception(exc)


# Included as the namespace the library's template tags name ("otp_webauthn").
urlpatterns = [
    path("registration/begin/", BeginRegistration.as_view(), name="credential-registration-begin"),
    path("registration/complete/", CompleteRegistration.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", BeginAuthentication.as_view(), name="credential-authentication-begin"),
    path("authentication/complete/", CompleteAuthentication.as_view(), name="credential-authentication-complete"),
    path("jsi18n/", public(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])), name="js-i18n-catalog"),
]
