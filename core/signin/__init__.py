"""Signing in safely: second factors (authenticator apps, passkeys, recovery codes), the coordinator's
rules for them, re-authentication before the most sensitive actions, sessions, and passwords.

The library is django-otp (its TOTP and static devices) with django-otp-webauthn for passkeys: they
add a second step after Django's own sign-in view, so django-axes, the password links and the
volunteers' sign-in links stay as they are. See README.md, "Signing in".
"""
