"""Volunteers, their languages, certificates and availability; shifts, series, templates;
assignments (who is booked on which shift), attendance and hours; sent reminders; sign-in links.

Rules the database keeps by itself:
- a shift ends after it starts, 0 <= min_people <= max_people, and `booked` (active assignments,
  kept by the services under a row lock) never exceeds `max_people` (check constraint);
- one assignment row per (shift, volunteer);
- on PostgreSQL, no volunteer holds two active assignments whose times overlap (an exclusion
  constraint on the assignment's copy of the shift's time range, see migration 0002);
- a reminder is recorded once per (assignment, shift start), so it is never sent twice;
- an e-mail address belongs to at most one volunteer, whatever its capitals (so a sign-in link goes
  to exactly one account).
"""

import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core import validators as plausible
from core.models import Location
from core.text import search_key

EMAIL_TAKEN = _("Another volunteer already has this e-mail address.")


def new_token() -> str:
    return secrets.token_urlsafe(24)


# The message of the three "at most as many as at least" checks (series, shift, template line).
MAX_AT_LEAST_MIN = _("The maximum number of people must be at least 1 and not below the minimum.")


class Language(models.TextChoices):
    """Languages the centre's visitors speak, most needed first."""

    GREEK = "el", _("Greek")
    ROMANI = "rom", _("Romani")
    TURKISH = "tr", _("Turkish")
    BULGARIAN = "bg", _("Bulgarian")
    ALBANIAN = "sq", _("Albanian")
    RUSSIAN = "ru", _("Russian")
    GEORGIAN = "ka", _("Georgian")
    ARABIC = "ar", _("Arabic")
    FARSI = "fa", _("Farsi")
    ENGLISH = "en", _("English")
    UKRAINIAN = "uk", _("Ukrainian")
    KURDISH = "ku", _("Kurdish")
    URDU = "ur", _("Urdu")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")


class Skill(models.Model):
    """A skill or certificate (first aid, food hygiene, driving licence, criminal-record certificate)."""

    name = models.CharField(_("name"), max_length=120, unique=True)  # in Greek, as the centre names it
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    expires = models.BooleanField(_("has an expiry date"), default=True,
                                  help_text=_("Certificates such as first aid must be renewed."))

    class Meta:
        verbose_name = _("skill or certificate")
        verbose_name_plural = _("skills and certificates")
        ordering = ["name"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):  # a skill is data: its name in the page's language (Greek when no English one)
        return self.name_en if self.name_en and (get_language() or "el").startswith("en") else self.name


class Volunteer(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="volunteer")
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    language = models.CharField(_("language for messages"), max_length=8, choices=settings.LANGUAGES,
                                default=settings.LANGUAGE_CODE)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True,
                                                  validators=[plausible.birth_year])
    address = models.CharField(_("area or address"), max_length=200, blank=True)
    emergency_name = models.CharField(_("emergency contact"), max_length=120, blank=True)
    emergency_phone = models.CharField(_("emergency contact phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLICANT,
                              db_index=True)
    motivation = models.TextField(_("why they want to volunteer"), blank=True)
    availability_notes = models.CharField(_("availability notes"), max_length=300, blank=True)
    notes = models.TextField(_("coordinator's notes"), blank=True)
    consent_text = models.TextField(_("consent given"), blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(
            Lower("email"), condition=~Q(email=""), name="volunteer_email_unique_any_case",
            violation_error_message=EMAIL_TAKEN)]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.first_name} {self.last_name} {self.email} {self.phone}")
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def speaks(self, code) -> bool:
        return any(lang.language == code for lang in self.languages.all())


class VolunteerLanguage(models.Model):
    class Level(models.TextChoices):
        BASIC = "basic", _("Basic")
        GOOD = "good", _("Good")
        FLUENT = "fluent", _("Fluent")
        NATIVE = "native", _("Native")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.GOOD)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [models.UniqueConstraint(fields=["volunteer", "language"], name="volunteer_language_once",
                                               violation_error_message=_("This language is already on the list."))]

    def __str__(self):
        return f"{self.get_language_display()} ({self.get_level_display()})"


class Certificate(models.Model):
    """A volunteer's skill or certificate, with its expiry date when it has one."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="certificates")
    skill = models.ForeignKey(Skill, verbose_name=_("skill or certificate"), on_delete=models.PROTECT)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, validators=[plausible.expiry_date])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(
            fields=["volunteer", "skill"], name="volunteer_skill_once",
            violation_error_message=_("The volunteer already has a certificate for this skill."))]

    def __str__(self):
        return str(self.skill)

    def valid_on(self, day) -> bool:
        return self.expires_on is None or self.expires_on >= day


class Availability(models.Model):
    """A weekly time window in which the volunteer can usually help (e.g. Tuesday 08:00-13:00)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["weekday", "start_time"]
        constraints = [models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")),
                                              name="availability_ends_after_start",
                                              violation_error_message=_("The end must be after the start."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Role(models.TextChoices):
    DISTRIBUTION = "distribution", _("Distribution table")
    STORE = "store", _("Store room")
    EVENT = "event", _("Event help")
    INTERPRETING = "interpreting", _("Interpreting")
    RECEPTION = "reception", _("Reception")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class SignupMode(models.TextChoices):
    OPEN = "open", _("Open: volunteers take places themselves")
    REQUEST = "request", _("On request: the coordinator confirms")
    ASSIGNED = "assigned", _("Assigned only by the coordinator")


class ShiftFields(models.Model):
    """What a shift, a series and a template line have in common."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DISTRIBUTION)
    min_people = models.PositiveSmallIntegerField(_("minimum people"), default=1)
    max_people = models.PositiveSmallIntegerField(_("maximum people"), default=2)
    signup_mode = models.CharField(_("sign-up"), max_length=10, choices=SignupMode.choices, default=SignupMode.OPEN)
    languages_needed = models.JSONField(_("languages needed"), default=list, blank=True,
                                        help_text=_("At least one person on the shift speaks each of them."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        abstract = True


class ShiftSeries(ShiftFields):
    """A repeating shift: every given weekday from a start date until an end date."""

    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Availability.Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    starts_on = models.DateField(_("first date"), validators=[plausible.activity_date])
    until = models.DateField(_("last date"), validators=[plausible.activity_date])
    skills_needed = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shift series")
        verbose_name_plural = _("shift series")
        constraints = [
            models.CheckConstraint(condition=Q(until__gte=models.F("starts_on")), name="series_until_after_start",
                                   violation_error_message=_("The last day cannot be before the first.")),
            models.CheckConstraint(condition=Q(max_people__gte=models.F("min_people")) & Q(max_people__gte=1),
                                   name="series_max_at_least_min",
                                   violation_error_message=MAX_AT_LEAST_MIN),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.get_role_display()} · {self.get_weekday_display()} {self.start_time:%H:%M}"


class Shift(ShiftFields):
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="volunteer_shifts")
    starts_at = models.DateTimeField(_("starts"), db_index=True, validators=[plausible.activity_date])
    ends_at = models.DateTimeField(_("ends"), validators=[plausible.activity_date])
    skills_needed = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True, related_name="shifts",
                                           help_text=_("At least one person on the shift holds each of them."))
    series = models.ForeignKey(ShiftSeries, verbose_name=_("series"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="shifts")
    # Active assignments (assigned or confirmed), kept by the services under a lock of this row.
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "location__name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start",
                                   violation_error_message=_("The end must be after the start.")),
            models.CheckConstraint(condition=Q(max_people__gte=models.F("min_people")) & Q(max_people__gte=1),
                                   name="shift_max_at_least_min",
                                   violation_error_message=MAX_AT_LEAST_MIN),
            models.CheckConstraint(condition=Q(booked__lte=models.F("max_people")), name="shift_never_overbooked",
                                   violation_error_message=_("More people are booked than the shift has places.")),
        ]
        indexes = [models.Index(fields=["location", "starts_at"])]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.get_role_display()} · {self.location} · {local:%d/%m/%Y %H:%M}"

    @property
    def hours(self) -> Decimal:
        return Decimal(round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)).quantize(Decimal("0.01"))

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def free_places(self) -> int:
        return max(self.max_people - self.booked, 0)

    @property
    def short_by(self) -> int:
        return max(self.min_people - self.booked, 0)

    def language_labels(self):
        labels = dict(Language.choices)
        return [labels.get(code, code) for code in self.languages_needed]


class ShiftTemplate(models.Model):
    """A set of shifts that staffs a distribution day or an event in one go."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        ordering = ["name"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.name


class ShiftTemplateLine(ShiftFields):
    template = models.ForeignKey(ShiftTemplate, on_delete=models.CASCADE, related_name="lines")
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    skills_needed = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("template shift")
        verbose_name_plural = _("template shifts")
        ordering = ["start_time", "role"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="tline_ends_after_start",
                                   violation_error_message=_("The end must be after the start.")),
            models.CheckConstraint(condition=Q(max_people__gte=models.F("min_people")) & Q(max_people__gte=1),
                                   name="tline_max_at_least_min",
                                   violation_error_message=MAX_AT_LEAST_MIN),
        ]

    def __str__(self):
        return f"{self.get_role_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Assignment(models.Model):
    """A volunteer on a shift: requested, assigned (awaiting confirmation), confirmed, declined, cancelled."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ASSIGNED = "assigned", _("Assigned, not confirmed")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", pgettext_lazy("assignment", "Declined")
        CANCELLED = "cancelled", pgettext_lazy("assignment", "Cancelled")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        NO_SHOW = "no_show", _("Did not come")

    ACTIVE = (Status.ASSIGNED, Status.CONFIRMED)

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="assignments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    # A copy of the shift's times, so that the database can refuse overlapping bookings.
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices,
                                  default=Attendance.UNKNOWN)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    # Set when the volunteer themself gave the place back (declined or left): the coordinator is
    # told, and the board and the shift say "declined by the volunteer" rather than a bare status.
    dropped_out_at = models.DateTimeField(_("declined by the volunteer"), null=True, blank=True, editable=False)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)
    hours_approved_at = models.DateTimeField(_("hours approved"), null=True, blank=True)
    hours_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("hours approved by"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "volunteer"], name="assignment_once_per_shift",
                                    violation_error_message=_("The volunteer is already on this shift.")),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="assignment_ends_after_start",
                                   violation_error_message=_("The end must be after the start.")),
            models.CheckConstraint(condition=Q(hours__isnull=True) | (Q(hours__gte=0) & Q(hours__lte=24)),
                                   name="assignment_hours_in_range",
                                   violation_error_message=_("The hours must be between 0 and 24.")),
        ]
        indexes = [models.Index(fields=["volunteer", "starts_at"])]

    def __str__(self):
        return f"{self.volunteer} · {self.shift}"

    def status_text(self) -> str:
        """The status as people read it: "declined by the volunteer" when they gave the place back."""
        if self.dropped_out_at is not None and not self.is_active:
            return str(_("Declined by the volunteer"))
        return self.get_status_display()

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class ReminderSent(models.Model):
    """A reminder that went out: the unique key makes `send_reminders` send each one once."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    shift_starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)
    channels = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["assignment", "shift_starts_at"], name="reminder_once",
                                               violation_error_message=_("This reminder has already been sent."))]

    def __str__(self):
        return f"{self.assignment_id} @ {self.shift_starts_at:%Y-%m-%d %H:%M}"


class SignInLink(models.Model):
    """A personal sign-in link sent by e-mail: signed, expiring and usable once. Only a hash is kept."""

    LIFETIME = timedelta(hours=24)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nonce_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self):
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"


class ContactChange(models.Model):
    """A volunteer's new e-mail address or phone number, waiting to be confirmed from that address.

    The confirmation link goes to the new address and a notice to the old one; only a hash of the
    link's secret is kept. The change takes effect when the link is used (once, within LIFETIME)."""

    LIFETIME = timedelta(hours=24)

    class Field(models.TextChoices):
        EMAIL = "email", _("e-mail")
        PHONE = "phone", _("mobile phone")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="contact_changes")
    field = models.CharField(max_length=10, choices=Field.choices)
    new_value = models.CharField(max_length=254)
    nonce_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contact change")
        verbose_name_plural = _("contact changes")

    def __str__(self):
        return f"{self.volunteer_id} · {self.field}"


class LocationFeed(models.Model):
    """The secret of a location's shift calendar (with the volunteers' names): stored, so the
    coordinator can replace it when the link went where it should not, and the old one stops working."""

    location = models.OneToOneField(Location, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    rotated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("location calendar link")
        verbose_name_plural = _("location calendar links")

    def __str__(self):
        return str(self.location_id)
