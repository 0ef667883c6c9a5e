"""Events, the questions they ask, registrations (confirmed, pending, waiting) and check-ins.

The rule that matters most, "the room is never overbooked", lives in two places: the service
(`events.services.registrations.register` and friends lock the event row with SELECT … FOR UPDATE) and the
database: `Event.places_taken` is the sum of the places of the registrations that hold places
(pending approval or confirmed), it changes only by relative UPDATEs in the same transaction as
the registration, and a CHECK constraint keeps it between 0 and `capacity`. A code path that
forgot the lock would still be refused by the database rather than overbook.
"""

import base64
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import validators as plausible
from core.models import Centre, Location
from core.tenancy import CentreManager, default_centre_id
from core.text import search_key

TICKET_PREFIX = "EVT-"


def new_ticket_code() -> str:
    """120 random bits in upper-case base32 (letters and digits only: safe for USB scanners)."""
    return TICKET_PREFIX + base64.b32encode(secrets.token_bytes(15)).decode()


def new_manage_token() -> str:
    """The secret of a registration's private link: 128 random bits (22 characters), so that the link
    fits in a two-part SMS with the event's date, time and place. Older 256-bit links keep working."""
    return secrets.token_urlsafe(16)


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", pgettext_lazy("event", "Cancelled")

    class Category(models.TextChoices):
        CHILDREN = "children", _("Children's activity")
        EDUCATION = "education", _("Lessons and education")
        HEALTH = "health", _("Health and prevention")
        EMPLOYMENT = "employment", _("Employment and skills")
        CULTURE = "culture", _("Culture and celebration")
        AWARENESS = "awareness", _("Information and awareness")
        OTHER = "other", _("Other")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        CHILDREN = "children", _("Children")
        TEENAGERS = "teenagers", _("Teenagers")
        ADULTS = "adults", _("Adults")
        FAMILIES = "families", _("Families")
        WOMEN = "women", _("Women")
        SENIORS = "seniors", _("Older people")

    title_el = models.CharField(_("title (Greek)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.OTHER,
                                db_index=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE,
                                db_index=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="events")
    room = models.CharField(_("room or meeting point"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True, validators=[plausible.activity_date])
    ends_at = models.DateTimeField(_("ends"), validators=[plausible.activity_date])
    series = models.ForeignKey("self", verbose_name=_("first session of the series"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="later_sessions")
    capacity = models.PositiveIntegerField(_("places"))
    max_places_per_registration = models.PositiveSmallIntegerField(
        _("most places per registration"), default=4,
        help_text=_("For example a parent with three children needs 4 places."))
    registration_opens_at = models.DateTimeField(
        _("registration opens"), null=True, blank=True, help_text=_("Empty: as soon as the event is published."))
    registration_closes_at = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when the event starts."))
    requires_approval = models.BooleanField(
        _("staff approve each registration"), default=False,
        help_text=_("Registrations hold their places but wait for staff to approve them."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    # Places held by pending and confirmed registrations; kept in step by the services only.
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    search_text = models.CharField(max_length=500, editable=False, default="", db_index=True)
    # The random part of the key of the door's ticket manifest (core.offline), drawn when a door first asks.
    door_salt = models.CharField(max_length=32, blank=True, default="", editable=False)
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                               default=default_centre_id, editable=False)

    objects = CentreManager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(places_taken__lte=F("capacity")), name="event_never_overbooked",
                                   violation_error_message=_("More places are taken than the event has.")),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive",
                                   violation_error_message=_("The event needs at least one place.")),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start",
                                   violation_error_message=_("The end must be after the start.")),
            models.CheckConstraint(condition=Q(max_places_per_registration__gte=1),
                                   name="event_max_places_positive",
                                   violation_error_message=_("Allow at least one place per registration.")),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="event_age_range_ordered",
                violation_error_message=_("The minimum age cannot be above the maximum age.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y %H:%M})"

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.title_el} {self.title_en}")
        super().save(*args, **kwargs)

    @property
    def title(self):
        """The title in the current language (Greek when there is no English one)."""
        if get_language() == "en" and self.title_en:
            return self.title_en
        return self.title_el

    @property
    def description(self):
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description_el

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.places_taken, 0)

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.PUBLISHED, self.Status.CANCELLED) and self.published_at is not None

    def registration_window(self):
        opens = self.registration_opens_at or self.published_at
        closes = self.registration_closes_at or self.starts_at
        return opens, closes

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return False
        opens, closes = self.registration_window()
        return (opens is None or opens <= now) and now < closes and now < self.starts_at

    @property
    def age_range(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return _("ages %(low)s–%(high)s") % {"low": self.min_age, "high": self.max_age}
        if self.min_age is not None:
            return _("from age %(low)s") % {"low": self.min_age}
        if self.max_age is not None:
            return _("up to age %(high)s") % {"high": self.max_age}
        return ""


class Question(models.Model):
    """A question the registration form asks (children's ages, accessibility needs…)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Longer text")
        NUMBER = "number", _("Number")
        YES_NO = "yes_no", _("Yes or no")

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="questions")
    label_el = models.CharField(_("question (Greek)"), max_length=200)
    label_en = models.CharField(_("question (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.label

    def display(self, value) -> str:
        """An answer as people read it: a yes/no answer in the page's language, not the stored code."""
        if self.kind == self.Kind.YES_NO and value in ("yes", "no"):
            return str(_("Yes") if value == "yes" else _("No"))
        return "" if value is None else str(value)

    @property
    def label(self):
        if get_language() == "en" and self.label_en:
            return self.label_en
        return self.label_el


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        DECLINED = "declined", pgettext_lazy("registration", "Declined")
        CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")

    class Source(models.TextChoices):
        PUBLIC = "public", _("Online form")
        STAFF = "staff", _("Added by staff")
        API = "api", _("API")

    HOLDS_PLACES = (Status.PENDING, Status.CONFIRMED)

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.PROTECT, related_name="registrations")
    name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PUBLIC)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # The waiting list is served in this order (then by id).
    queued_at = models.DateTimeField(_("in the queue since"), default=timezone.now, db_index=True)
    ticket_code = models.CharField(_("ticket code"), max_length=40, unique=True, default=new_ticket_code,
                                   editable=False)
    manage_token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    household_ref = models.CharField(
        _("household"), max_length=40, blank=True, db_index=True,
        help_text=_("Card or household number of a registered household, when the person belongs to one."))
    staff_note = models.TextField(_("staff note"), blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    promoted_at = models.DateTimeField(_("promoted from the waiting list"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # Any change of the registration or its check-in (the door's manifest sends what changed after it).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                               default=default_centre_id, editable=False)

    objects = CentreManager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="registration_places_positive",
                                   violation_error_message=_("Ask for at least one place.")),
            # Anonymised after the event (services.anonymise_past_registrations): no contact is left.
            models.CheckConstraint(condition=~Q(phone="") | ~Q(email="") | Q(anonymised_at__isnull=False),
                                   name="registration_has_contact",
                                   violation_error_message=_("Give a phone number or an e-mail address.")),
        ]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"]),
            # The duplicate check runs while the event row is locked: keep it an index lookup.
            models.Index(fields=["event", "email"]),
            models.Index(fields=["event", "phone"]),
        ]

    def __str__(self):
        return f"{self.name} × {self.places}"

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.name} {self.phone} {self.email} {self.household_ref}")
        if kwargs.get("update_fields") is not None:  # every change moves updated_at (the door's deltas)
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    @property
    def holds_places(self) -> bool:
        return self.status in self.HOLDS_PLACES

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.CONFIRMED, self.Status.WAITING)


class CheckIn(models.Model):
    """A registration was admitted at the door. One per registration, whatever happens at two doors."""

    class Method(models.TextChoices):
        SCAN = "scan", _("Scanned ticket")
        LIST = "list", _("Ticked on the list")
        OFFLINE = "offline", _("Scanned offline")

    registration = models.OneToOneField(Registration, verbose_name=_("registration"), on_delete=models.CASCADE,
                                        related_name="checkin")
    at = models.DateTimeField(_("checked in at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked in by"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.SCAN)
    door = models.CharField(_("door"), max_length=60, blank=True)
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                               default=default_centre_id, editable=False)

    objects = CentreManager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.registration} @ {self.at:%H:%M}"


class ScanRequest(models.Model):
    """The answer given to one scan request (by its client-made id, scoped to the user who sent it), so a
    retried request gets it again (core/idempotency.py); deleted after the retention window."""

    request_id = models.UUIDField(default=uuid.uuid4)
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=200)
    outcome = models.CharField(max_length=30)
    http_status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                               default=default_centre_id, editable=False)

    objects = CentreManager()

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        constraints = [models.UniqueConstraint(fields=["centre", "by", "request_id"],
                                               name="scanrequest_request_id_per_user_in_centre",
                                               violation_error_message=_("This scan has already been recorded."))]
        indexes = [models.Index(fields=["at"], name="scanrequest_at")]

    def __str__(self):
        return f"{self.request_id} {self.outcome}"


class OfflineCheckIn(models.Model):
    """A door let a ticket in while deciding offline (green on its manifest) that the server, when the
    scan arrived, would have refused: `reason` is what it would have answered, most often
    already_checked_in (two doors, both offline, one ticket: `checkin` is the one that stands).

    A row of its own rather than a second CheckIn: a ticket counts once (the one-to-one check-in) and
    every attendance figure stays right; the organiser follows these up (selectors.offline_checkins)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE,
                              related_name="offline_checkins")
    registration = models.ForeignKey(Registration, verbose_name=_("registration"), on_delete=models.CASCADE,
                                     related_name="offline_checkins")
    reason = models.CharField(_("the server's answer"), max_length=30)
    checkin = models.ForeignKey(CheckIn, verbose_name=_("check-in that stands"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    door = models.CharField(_("door"), max_length=60, blank=True)
    at = models.DateTimeField(_("let in"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("volunteer"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("synchronised"), auto_now_add=True)
    request = models.OneToOneField(ScanRequest, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="offline_checkin")
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                               default=default_centre_id, editable=False)

    objects = CentreManager()

    class Meta:
        verbose_name = _("offline check-in")
        verbose_name_plural = _("offline check-ins")
        ordering = ["event", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason__in=["checked_in", "offline_checkin"]), name="offline_checkin_was_refused",
                violation_error_message=_("An offline check-in is recorded only where the server would have "
                                          "refused the ticket.")),
        ]

    audit_names_nobody = True  # the registration is named by its id only

    def __str__(self):
        return str(_("Offline check-in %(id)s")) % {"id": self.pk}
