"""Setting a password: the invitation a new account gets, and "forgotten password".

Both use Django's password-reset links: signed with SECRET_KEY, tied to the account's current
password (so a link works once: setting the password ends it, and every other link of the account)
and valid for PASSWORD_LINK_HOURS (setting PASSWORD_RESET_TIMEOUT, a few hours). Accounts created
without a password (by the coordinator, or a volunteer's) may use "forgotten password" too, which
Django's own form skips. The public form is limited per client address and per e-mail address, and
answers the same whatever happened.
"""

import logging

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .audit import audit
from .links import absolute_url
from .messaging import queue_message
from .models import AuditLog, Centre, User
from .roles import PUBLIC
from .throttle import public_form_allowed, recipient_allowed

logger = logging.getLogger(__name__)


def password_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)]))


def link_hours() -> int:
    from django.conf import settings

    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


def send_invitation(user, *, by=None) -> bool:
    """E-mail a new account the link to choose its password; False when it has no e-mail address."""
    if not user.email or not user.is_active:
        return False
    with translation.override(user.language or None):
        centre = Centre.current()
        subject = _("Your account at %(centre)s") % {"centre": centre.short_name or centre.name}
        text = _("An account was created for you (user name: %(username)s). Choose your password here, "
                 "within %(hours)s hours; the link works once: %(link)s\n\nIf the link has expired, ask the "
                 "coordinator to send a new invitation, or use “Forgotten your password?” on the sign-in page.") % {
            "username": user.get_username(), "hours": link_hours(), "link": password_link(user)}
        queue_message(channel="email", to=user.email, subject=subject, text=text, about=user, kind="invitation",
                      by=by)
    audit(AuditLog.Action.CHANGE, user, user=by, changes={"invitation": "sent"})
    return True


class KypseliPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        """Active accounts with this e-mail address, including those that have no password yet."""
        return [user for user in User.objects.filter(email__iexact=email, is_active=True)
                if getattr(user, "email", "").lower() == email.lower()]

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        if not recipient_allowed("password-reset", to_email):
            logger.warning("A password reset link was not sent: over the day's allowance for one address")
            return
        context["hours"] = link_hours()
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        text = loader.render_to_string(email_template_name, context)
        queue_message(channel="email", to=to_email, subject=subject, text=text, about=context.get("user"),
                      kind="password_reset")


class PasswordResetView(auth_views.PasswordResetView):
    """The same "check your e-mail" answer whether the address is known, unknown or over its limits."""

    access_policy = PUBLIC
    form_class = KypseliPasswordResetForm

    def form_valid(self, form):
        if not public_form_allowed(self.request, "password-reset"):
            logger.warning("A password reset request was refused: over the hour's allowance for one address")
            return super(auth_views.PasswordResetView, self).form_valid(form)  # FormView: redirect, send nothing
        return super().form_valid(form)
