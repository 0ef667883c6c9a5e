from django.urls import include, path

from . import views, views_coordinator, webauthn

app_name = "security"

urlpatterns = [
    path("", views_coordinator.security_settings, name="settings"),
    path("users/<int:pk>/reset-factors/", views_coordinator.reset_account, name="reset_account"),
    path("sign-ins/", views_coordinator.sign_ins, name="sign_ins"),
    path("sign-ins/unlock/", views_coordinator.unlock, name="unlock"),
    # Open to a session still waiting for its second factor (core.signin.middleware).
    path("two-factor/", views.verify, name="verify"),
    path("two-factor/setup/", views.enrol, name="enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/remove/", views.remove_factor, name="remove_factor"),
    path("confirm/", views.reauthenticate, name="reauthenticate"),
    path("sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
]

# django-otp-webauthn's template tags name its own namespace.
passkey_urls = path("security/passkeys/", include((webauthn.urlpatterns, "otp_webauthn")))
