"""Personal sign-in links: no password to remember.

The link carries a value signed with SECRET_KEY (salted for this purpose) holding the link's id and
a random nonce; the database keeps only a hash of the nonce, the expiry and when it was used, so
a link works once, for a day, and a forged or altered link is refused before the database is read.

Links open a session only for plain volunteer accounts: an account with the staff or coordinator
role at any centre, admin access (is_staff) or superuser rights signs in with its password, whatever
profile it is linked to. A volunteer has at most one live link: issuing a new one or using one ends
the others. A link belongs to the account, not to a centre: a person who volunteers at two centres
signs in once and chooses the centre in the switcher.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.messaging import fit_sms
from core.models import AuditLog, Membership
from core.roles import VOLUNTEER
from core.tenancy import centre_scope, scopes_disabled

from ..models import SignInLink, Volunteer
from .notices import absolute, greeting, send_to_volunteer

SALT = "volunteers.signin"


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def volunteer_only(user) -> bool:
    """An account whose only role, at every centre it belongs to, is volunteer, without admin or
    superuser rights."""
    return bool(user is not None and not user.is_staff and not user.is_superuser
                and set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {VOLUNTEER})


def may_sign_in_by_link(user) -> bool:
    """Only active accounts whose one role is volunteer (volunteer_only)."""
    return bool(user is not None and user.is_active and volunteer_only(user))


def _end_live_links(user, *, now) -> None:
    SignInLink.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)


@transaction.atomic
def create_signin_link(user) -> str:
    """A new single-use sign-in URL (absolute) for the user; the user's older links stop working."""
    if not may_sign_in_by_link(user):
        raise ValidationError(_("This account signs in with its password, not with a link."))
    _end_live_links(user, now=timezone.now())
    nonce = secrets.token_urlsafe(24)
    link = SignInLink.objects.create(user=user, nonce_hash=_hash(nonce),
                                     expires_at=timezone.now() + SignInLink.LIFETIME)
    token = signing.dumps({"id": link.pk, "n": nonce}, salt=SALT, compress=True)
    return absolute(reverse("volunteers:signin_link", args=[token]))


MAX_LINKS_PER_HOUR = 3


def send_signin_link(volunteer: Volunteer, *, limited: bool = False) -> bool:
    """E-mail (and SMS) a sign-in link to an active volunteer with an account; False when not possible.

    `limited` (the public "send me a link" form): at most MAX_LINKS_PER_HOUR links an hour, so that
    nobody can flood a volunteer's inbox and phone."""
    if volunteer.status != Volunteer.Status.ACTIVE or not may_sign_in_by_link(volunteer.user):
        return False
    if not volunteer.email and not volunteer.phone:
        return False
    if limited and SignInLink.objects.filter(
            user=volunteer.user, created_at__gt=timezone.now() - timedelta(hours=1)).count() >= MAX_LINKS_PER_HOUR:
        return False
    url = create_signin_link(volunteer.user)
    with translation.override(volunteer.language):
        subject = _("Your sign-in link")
        text = greeting(_("Open this link to see your shifts (it works once, within 24 hours): %(url)s")
                        % {"url": url})
        sms = fit_sms(_("Your sign-in link (once, within 24 hours): %(url)s"), {"url": url})
    sent = send_to_volunteer(volunteer, subject, text, sms, kind="signin_link")
    audit(AuditLog.Action.CREATE, volunteer, changes={"sign_in_link": ["", ",".join(sent)]})
    return bool(sent)


def send_links_for_address(email: str) -> int:
    """The public "send me a link" form: each account of an active volunteer with this address, at
    any centre, gets one link (limited), sent in the name of the centre of one of its records. The
    page answers the same either way. Returns how many were sent."""
    with scopes_disabled():
        records = list(Volunteer.objects.alias(email_lower=Lower("email"))
                       .filter(email_lower=Lower(Value(email)), status=Volunteer.Status.ACTIVE, user__isnull=False)
                       .order_by("centre_id", "pk"))
    sent, accounts = 0, set()
    for record in records:
        if record.user_id in accounts:
            continue
        accounts.add(record.user_id)
        with centre_scope(record.centre_id):
            sent += send_signin_link(record, limited=True)
    return sent


@transaction.atomic
def use_signin_link(token: str):
    """The user the link belongs to; raises ValidationError when forged, expired or already used."""
    try:
        data = signing.loads(token, salt=SALT, max_age=SignInLink.LIFETIME)
    except signing.SignatureExpired as exc:
        raise ValidationError(_("This sign-in link has expired. Ask for a new one.")) from exc
    except signing.BadSignature as exc:
        raise ValidationError(_("This sign-in link is not valid. Ask for a new one.")) from exc
    link = SignInLink.objects.select_for_update().select_related("user").filter(pk=data.get("id")).first()
    if link is None or not secrets.compare_digest(link.nonce_hash, _hash(str(data.get("n", "")))):
        raise ValidationError(_("This sign-in link is not valid. Ask for a new one."))
    if link.used_at is not None:
        raise ValidationError(_("This sign-in link was already used. Ask for a new one."))
    if link.expires_at <= timezone.now():
        raise ValidationError(_("This sign-in link has expired. Ask for a new one."))
    if not link.user.is_active:
        raise ValidationError(_("This account is not active."))
    if not may_sign_in_by_link(link.user):
        raise ValidationError(_("This account signs in with its password, not with a link."))
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    _end_live_links(link.user, now=link.used_at)
    return link.user
