"""A volunteer's own change of e-mail address or phone number: confirmed from the new address,
told to the old one. Until the link in the confirmation is used, messages and sign-in links keep
going to the old address, so a stolen session cannot redirect them."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit
from core.messaging import notify
from core.models import AuditLog
from core.throttle import allow

from ..models import ContactChange, Volunteer
from .notices import absolute

CONTACT_FIELDS = (ContactChange.Field.EMAIL, ContactChange.Field.PHONE)
# Confirmations one volunteer may ask for in a day (each one is a message to an address they chose).
MAX_PER_DAY = 5


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _send(*, email="", phone="", subject, text, volunteer) -> None:
    notify(email=email, phone=phone, subject=subject, text=text, about=volunteer, language=volunteer.language,
           kind="contact_change")


def request_change(volunteer: Volunteer, field: str, new_value: str, *, by) -> bool:
    """Ask the new address to confirm; tell the old one. False when over the day's allowance
    (nothing is sent then). Earlier unconfirmed requests for the same field stop working."""
    if field not in CONTACT_FIELDS:
        raise ValueError(field)
    if not allow("contact-change", str(volunteer.pk), limit=MAX_PER_DAY, seconds=24 * 3600):
        return False
    now = timezone.now()
    secret = secrets.token_urlsafe(24)
    with transaction.atomic():
        ContactChange.objects.filter(volunteer=volunteer, field=field, confirmed_at__isnull=True,
                                     expires_at__gt=now).update(expires_at=now)
        change = ContactChange.objects.create(volunteer=volunteer, field=field, new_value=new_value,
                                              nonce_hash=_hash(secret), expires_at=now + ContactChange.LIFETIME)
        audit(AuditLog.Action.CREATE, change, user=by, changes={"field": field, "confirmation": "sent"})
    link = absolute(reverse("volunteers:confirm_contact", args=[secret]))
    old_email, old_phone = volunteer.email, volunteer.phone
    with translation.override(volunteer.language):
        what = ContactChange.Field(field).label
        confirm_subject = _("Confirm your new %(what)s") % {"what": what}
        confirm_text = _("Open this link to confirm that this is your new %(what)s for the volunteer team "
                         "(within 24 hours): %(link)s") % {"what": what, "link": link}
        notice_subject = _("Your %(what)s is being changed") % {"what": what}
        notice_text = _("Someone signed in as you asked to change your %(what)s for the volunteer team. "
                        "Nothing changes until the new one is confirmed. If this was not you, tell the "
                        "coordinator.") % {"what": what}
    with transaction.atomic():
        _send(email=new_value if field == ContactChange.Field.EMAIL else "",
              phone=new_value if field == ContactChange.Field.PHONE else "",
              subject=confirm_subject, text=confirm_text, volunteer=volunteer)
        _send(email=old_email, phone=old_phone, subject=notice_subject, text=notice_text, volunteer=volunteer)
    return True


@transaction.atomic
def confirm_change(secret: str) -> ContactChange:
    """Apply the change the link confirms; ValidationError when unknown, used or expired."""
    from .roster import check_email_free, sync_account

    change = (ContactChange.objects.select_for_update().select_related("volunteer")
              .filter(nonce_hash=_hash(secret or "")).first())
    if change is None or change.volunteer.anonymised_at is not None:
        raise ValidationError(_("This confirmation link is not valid."))
    if change.confirmed_at is not None:
        raise ValidationError(_("This confirmation link was already used."))
    if change.expires_at <= timezone.now():
        raise ValidationError(_("This confirmation link has expired. Change your details again to get a new one."))
    volunteer = Volunteer.objects.select_for_update().get(pk=change.volunteer_id)
    setattr(volunteer, change.field, change.new_value)
    if change.field == ContactChange.Field.EMAIL:
        check_email_free(volunteer)
    volunteer.save(update_fields=[change.field, "search_text"])
    sync_account(volunteer)
    change.confirmed_at = timezone.now()
    change.save(update_fields=["confirmed_at"])
    audit(AuditLog.Action.CHANGE, volunteer, user=volunteer.user, changes={"fields": [change.field],
                                                                            "confirmed_from": "new address"})
    return change
