"""The volunteer roster: applications, approval into a user account, profile, status, anonymisation."""

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import audit, audited_formset_save, audited_save, forget_person, model_changes, snapshot
from core.memberships import set_role
from core.messaging import notify
from core.messaging.services import forget_messages_about
from core.models import AuditLog, Centre, Membership
from core.roles import VOLUNTEER
from core.tenancy import scopes_disabled
from core.text import latin_spelling
from core.throttle import recipient_allowed

from ..models import EMAIL_TAKEN, Assignment, Volunteer, VolunteerLanguage, new_token
from .notices import absolute, greeting, send_to_volunteer
from .signin import send_signin_link, volunteer_only
from .signups import person_follows_account, remove

PROFILE_FIELDS = ["first_name", "last_name", "email", "phone", "language", "birth_year", "address",
                  "emergency_name", "emergency_phone", "status", "availability_notes", "notes",
                  "max_hours_week", "max_hours_month", "preferred_roles"]


def consent_text() -> str:
    """The consent the applicant reads and accepts (stored with the application, word for word)."""
    centre = Centre.current()
    return _(
        "I agree that %(centre)s keeps the details in this form (name, contacts, languages, skills, "
        "availability, emergency contact) to organise volunteering: shifts, reminders by e-mail and SMS, "
        "and a record of the hours I served. Only the coordinator sees them. I can ask at any time to see, "
        "correct or delete them; when I stop volunteering, my details are anonymised on request and only "
        "the number of hours remains in the centre's statistics."
    ) % {"centre": centre.name}


def email_owner(email: str, *, exclude_pk=None) -> Volunteer | None:
    """The volunteer who has this e-mail address, whatever its capitals (the database's own rule,
    `volunteer_email_unique_any_case`), other than `exclude_pk`."""
    if not email:
        return None
    found = Volunteer.objects.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))
    return found.exclude(pk=exclude_pk).first() if exclude_pk else found.first()


def check_email_free(volunteer: Volunteer) -> None:
    """Refuse an address another volunteer already has (before the database's constraint would)."""
    if email_owner(volunteer.email, exclude_pk=volunteer.pk) is not None:
        raise ValidationError({"email": EMAIL_TAKEN})


def _tell_known_address(volunteer: Volunteer) -> None:
    """Someone applied with the address of a volunteer we know: the public page answers as always
    (it must not reveal which addresses are known); the address's owner is told instead, once a day."""
    if not recipient_allowed("volunteer-known-address", volunteer.email):
        return
    with translation.override(volunteer.language):
        link = absolute(reverse("volunteers:signin_request"))
        subject = _("An application with your e-mail address")
        text = greeting(_("Someone, perhaps you, applied to volunteer with this e-mail address. It is already on "
                          "our list (as a volunteer, or an application waiting for the coordinator), so no new "
                          "application was made. An active volunteer can ask for a sign-in link to see their "
                          "shifts: %(link)s. To change your details or to come back, contact the coordinator. "
                          "If it was not you, you can ignore this message.") % {"link": link})
    notify(email=volunteer.email, subject=subject, text=text, about=volunteer, language=volunteer.language,
           kind="known_address")


@transaction.atomic
def submit_application(volunteer: Volunteer, *, languages=(), consent: str) -> Volunteer | None:
    """A member of the public applies (public form). `languages` is a list of (code, level).

    An address already on the list makes no second profile: its owner is told by e-mail and None is
    returned (the page answers the same either way)."""
    known = email_owner(volunteer.email)
    if known is None:
        volunteer.status = Volunteer.Status.APPLICANT
        volunteer.consent_text = consent
        volunteer.consent_at = timezone.now()
        try:
            with transaction.atomic():
                volunteer.save()
        except IntegrityError:
            known = email_owner(volunteer.email)  # the same address, sent at the same moment
            if known is None:
                raise
    if known is not None:
        _tell_known_address(known)  # queued in this transaction (core.messaging)
        return None
    for code, level in languages:
        VolunteerLanguage.objects.get_or_create(volunteer=volunteer, language=code, defaults={"level": level})
    audit(AuditLog.Action.CREATE, volunteer, user=None, changes={"status": ["", "applicant"]})
    centre = Centre.current()
    if centre.email:
        notify(email=centre.email, subject=_("New volunteer application"),
               text=_("A new application to volunteer. Name: %(name)s. See the roster to approve.")
               % {"name": volunteer.full_name}, about=volunteer, kind="volunteer_application")
    return volunteer


def _latin(text: str) -> str:
    """A user name's part in Latin letters (core.text.latin_spelling): "Αϊσέ Μουσταφά" -> "aisemoustafa"."""
    return re.sub(r"[^a-z0-9]+", "", latin_spelling(text))


def _free_username(volunteer: Volunteer) -> str:
    User = get_user_model()
    base = ".".join(p for p in (_latin(volunteer.first_name), _latin(volunteer.last_name)) if p)[:30] or "volunteer"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


def _account_elsewhere(volunteer: Volunteer):
    """The account of the same person at another centre: a volunteer record there with this e-mail
    address, whose account is a volunteer's only (never a staff member's: that one signs in with a
    password and is linked by hand). The person keeps one account, and the switcher shows both centres."""
    if not volunteer.email:
        return None
    with scopes_disabled():
        records = (Volunteer.objects.alias(email_lower=Lower("email"))
                   .filter(email_lower=Lower(Value(volunteer.email)), user__isnull=False, anonymised_at__isnull=True)
                   .exclude(centre_id=volunteer.centre_id).select_related("user").order_by("pk"))
        return next((record.user for record in records if volunteer_only(record.user)), None)


def _ensure_role(volunteer: Volunteer, *, by=None) -> None:
    """The account holds the volunteer role at the record's centre (a role it already has there stays)."""
    if not Membership.objects.filter(user=volunteer.user, centre_id=volunteer.centre_id).exists():
        set_role(volunteer.user, volunteer.centre, VOLUNTEER, by=by)


def _ensure_account(volunteer: Volunteer, *, by) -> None:
    """A user account with the volunteer role at the centre, without a password (sign-in by e-mailed
    link, or a password set later through "forgot password"): the person's account at another centre
    when she volunteers there too, else a new one."""
    if volunteer.anonymised_at is not None:
        return
    if volunteer.user_id is None:
        user = _account_elsewhere(volunteer)
        if user is None:
            User = get_user_model()
            user = User(username=_free_username(volunteer), first_name=volunteer.first_name,
                        last_name=volunteer.last_name, email=volunteer.email, phone=volunteer.phone,
                        language=volunteer.language)
            user.set_unusable_password()
            user.save()
            audit(AuditLog.Action.CREATE, user, user=by)
        volunteer.user = user
        person_follows_account(volunteer)
    _ensure_role(volunteer, by=by)


@transaction.atomic
def approve_application(volunteer: Volunteer, *, by) -> Volunteer:
    """The coordinator accepts an applicant: a user account with the volunteer role at the centre, no
    password (the volunteer signs in by e-mailed link, or sets a password through "forgot password")."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.status != Volunteer.Status.APPLICANT:
        raise ValidationError(_("Only applications can be approved."))
    _ensure_account(volunteer, by=by)
    volunteer.status = Volunteer.Status.ACTIVE
    volunteer.approved_at = timezone.now()
    volunteer.save()
    audit(AuditLog.Action.CHANGE, volunteer, user=by, changes={"status": ["applicant", "active"]})
    _welcome(volunteer)  # queued in this transaction, sent once it commits
    return volunteer


def _welcome(volunteer: Volunteer):
    with translation.override(volunteer.language):
        send_to_volunteer(volunteer, _("Welcome to the volunteer team"),
                          greeting(_("Welcome to the volunteer team! You will receive a link to sign in and see your "
                                     "shifts.")),
                          _("Welcome to the volunteer team! A link to sign in and see your shifts follows."),
                          kind="welcome")
    send_signin_link(volunteer)


@transaction.atomic
def link_user(volunteer: Volunteer, user, *, by=None) -> Volunteer:
    """Attach an existing account (e.g. a volunteer who already signs in at a table) to a profile; the
    account gets the volunteer role at the centre unless it already has a role there."""
    volunteer.user = user
    person_follows_account(volunteer)
    volunteer.save(update_fields=["user"])
    _ensure_role(volunteer, by=by)
    audit(AuditLog.Action.CHANGE, volunteer, user=by, changes={"user_id": ["", user.pk]})
    return volunteer


def _cancel_future(volunteer: Volunteer, *, by) -> int:
    count = 0
    for assignment in Assignment.objects.filter(
            volunteer=volunteer, starts_at__gt=timezone.now(),
            status__in=(*Assignment.ACTIVE, Assignment.Status.REQUESTED)).exclude(
            attendance=Assignment.Attendance.PRESENT):
        remove(assignment, by=by, notify_volunteer=False)
        count += 1
    return count


@transaction.atomic
def save_profile(volunteer: Volunteer, *, by) -> Volunteer:
    """Save the coordinator's edits (form data already on the instance); pausing or leaving frees
    the volunteer's future places, and the account follows the status."""
    check_email_free(volunteer)

    def save(before):
        if volunteer.status == Volunteer.Status.ACTIVE:
            _ensure_account(volunteer, by=by)  # added directly by the coordinator
        if volunteer.status == Volunteer.Status.LEFT and before.get("status") != Volunteer.Status.LEFT:
            volunteer.calendar_token = new_token()  # their calendar link stops working
        volunteer.save()
        if volunteer.status in (Volunteer.Status.PAUSED, Volunteer.Status.LEFT):
            _cancel_future(volunteer, by=by)
        sync_account(volunteer, by=by)

    audited_save(volunteer, PROFILE_FIELDS, by=by, save=save)
    return volunteer



@transaction.atomic
def save_volunteer(volunteer: Volunteer, formsets, *, by) -> Volunteer:
    """The coordinator's edit page: the profile (`save_profile`) and its inline formsets (languages,
    certificates, availability; valid, bound to the volunteer), in one transaction; every row added,
    changed or removed is audited."""
    volunteer = save_profile(volunteer, by=by)
    for formset in formsets:
        formset.instance = volunteer
        audited_formset_save(formset, by=by)
    return volunteer

@transaction.atomic
def save_preferences(volunteer: Volunteer, *, locations, partners, by) -> None:
    """The sites a volunteer prefers and the people they like to work with (for the planner), audited."""
    before = {"preferred_locations": sorted(volunteer.preferred_locations.values_list("pk", flat=True)),
              "works_well_with": sorted(volunteer.works_well_with.values_list("pk", flat=True))}
    volunteer.preferred_locations.set(locations)
    volunteer.works_well_with.set([p for p in partners if p.pk != volunteer.pk])
    after = {"preferred_locations": sorted(volunteer.preferred_locations.values_list("pk", flat=True)),
             "works_well_with": sorted(volunteer.works_well_with.values_list("pk", flat=True))}
    changes = {k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]}
    if changes:
        audit(AuditLog.Action.CHANGE, volunteer, user=by, changes=changes)


# What a volunteer may change about themselves (forms.MyDetailsForm).
OWN_FIELDS = ["email", "phone", "language", "address", "emergency_name", "emergency_phone", "availability_notes"]


@transaction.atomic
def save_own_details(volunteer: Volunteer, *, by) -> list[str]:
    """A volunteer's own edits of their contact details (form data already on the instance): only
    OWN_FIELDS are written, whatever else the instance carries. Audited like the coordinator's.

    A new e-mail address or phone number is not written here: it waits for its confirmation from
    the new address (services.contacts), and the old address is told. Returns the fields waiting
    (an empty list when none; a field over the day's allowance of confirmations is left unchanged)."""
    from .contacts import CONTACT_FIELDS, request_change

    current = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    before = snapshot(current, OWN_FIELDS)
    others = {f.name for f in Volunteer._meta.fields if f.name not in OWN_FIELDS}
    volunteer.full_clean(exclude=others, validate_constraints=False)
    # A new address is not written here: whether another volunteer has it is checked when it is confirmed.
    volunteer.validate_constraints(exclude=others | {"email"})
    waiting = []
    for field in CONTACT_FIELDS:
        new_value = getattr(volunteer, field)
        if new_value != before[field]:
            setattr(volunteer, field, before[field])  # unchanged until confirmed
            if new_value and request_change(current, field, new_value, by=by):
                waiting.append(str(field))
    volunteer.save(update_fields=[*OWN_FIELDS, "search_text"])
    sync_account(volunteer, by=by)
    audit(AuditLog.Action.CHANGE, volunteer, user=by, changes=model_changes(before, snapshot(volunteer, OWN_FIELDS)))
    return waiting


def _drop_role(user, volunteer: Volunteer, *, by=None) -> None:
    """The volunteer role at the record's centre goes (another role there stays)."""
    if Membership.objects.filter(user=user, centre_id=volunteer.centre_id, role=VOLUNTEER).exists():
        set_role(user, volunteer.centre, "", by=by)


def sync_account(volunteer: Volunteer, *, by=None) -> None:
    """The user account follows the volunteer: the volunteer role at the centre while active or paused,
    the account active while it holds a role at some centre (a person who left one centre may still
    volunteer at another); name, e-mail, phone and language."""
    if volunteer.user is not None:
        user = volunteer.user
        if volunteer.status in (Volunteer.Status.ACTIVE, Volunteer.Status.PAUSED):
            _ensure_role(volunteer, by=by)
        else:
            _drop_role(user, volunteer, by=by)
        user.is_active = Membership.objects.filter(user=user).exists()
        user.first_name, user.last_name = volunteer.first_name, volunteer.last_name
        user.email, user.phone, user.language = volunteer.email, volunteer.phone, volunteer.language
        user.save()


@transaction.atomic
def anonymise(volunteer: Volunteer, *, by) -> Volunteer:
    """On request: the person's details go, their assignments and hours stay (for the statistics)."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.anonymised_at is not None:
        raise ValidationError(_("This volunteer is already anonymised."))
    _cancel_future(volunteer, by=by)
    label = _("Anonymised volunteer %(number)s") % {"number": volunteer.pk}
    volunteer.first_name, volunteer.last_name = str(label), ""
    for name in ("email", "phone", "address", "emergency_name", "emergency_phone", "motivation",
                 "availability_notes", "notes", "consent_text"):
        setattr(volunteer, name, "")
    volunteer.birth_year = None
    volunteer.status = Volunteer.Status.LEFT
    volunteer.anonymised_at = timezone.now()
    volunteer.calendar_token = new_token()
    volunteer.languages.all().delete()
    volunteer.certificates.all().delete()
    volunteer.availability.all().delete()
    volunteer.swap_offers.update(reason="")  # why they could not come may say something about their health
    user = volunteer.user
    volunteer.user = None
    volunteer.save()
    person_follows_account(volunteer)
    forget_messages_about(volunteer)  # the messages to them forget the address and the text
    if user is not None:
        _drop_role(user, volunteer, by=by)
    if user is not None and not Membership.objects.filter(user=user).exists():
        # The account goes with the record, unless the person still belongs to another centre (she
        # volunteers there too): that centre's record keeps it.
        new_username = f"anonymised-{volunteer.pk}-{new_token()[:6]}"
        forget_person(user, new_username=new_username)  # their own entries in the audit log
        user.username = new_username
        user.first_name = user.last_name = user.email = user.phone = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    audit(AuditLog.Action.CHANGE, volunteer, user=by, changes={"anonymised": ["", str(volunteer.anonymised_at)]})
    return volunteer
