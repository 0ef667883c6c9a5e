"""Volunteers: the people, their languages, certificates, availability and skills."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import validators as plausible
from core.models import Centre, Location
from core.tenancy import CentreManager, default_centre_id
from core.text import search_key

EMAIL_TAKEN = _("Another volunteer already has this e-mail address.")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def centre_field():
    """The centre a record belongs to (core.tenancy): the current one when it is made."""
    return models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+",
                             default=default_centre_id, editable=False)


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

    centre = centre_field()  # each centre's coordinator keeps her own list
    name = models.CharField(_("name"), max_length=120)  # in Greek, as the centre names it
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    expires = models.BooleanField(_("has an expiry date"), default=True,
                                  help_text=_("Certificates such as first aid must be renewed."))

    objects = CentreManager()

    class Meta:
        verbose_name = _("skill or certificate")
        verbose_name_plural = _("skills and certificates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["centre", "name"], name="skill_name_unique_in_centre",
                                               violation_error_message=_("The centre already has a skill of this "
                                                                         "name."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):  # a skill is data: its name in the page's language (Greek when no English one)
        return self.name_en if self.name_en and (get_language() or "el").startswith("en") else self.name


class Volunteer(models.Model):
    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        LEFT = "left", _("Left")

    # A person who volunteers at two centres has a record at each, linked to the same account.
    centre = centre_field()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="volunteer_records")
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
    # What the planner respects (volunteers.planner): limits are hard rules, preferences are honoured
    # when fairness allows.
    max_hours_week = models.PositiveSmallIntegerField(_("at most hours a week"), null=True, blank=True,
                                                      validators=[MaxValueValidator(80)])
    max_hours_month = models.PositiveSmallIntegerField(_("at most hours a month"), null=True, blank=True,
                                                       validators=[MaxValueValidator(300)])
    preferred_locations = models.ManyToManyField(Location, verbose_name=_("prefers the sites"), blank=True,
                                                 related_name="+")
    preferred_roles = models.JSONField(_("prefers the roles"), default=list, blank=True)
    works_well_with = models.ManyToManyField("self", verbose_name=_("likes to work with"), blank=True)
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                "centre", Lower("email"), condition=~Q(email=""), name="volunteer_email_unique_in_centre",
                violation_error_message=EMAIL_TAKEN),
            models.UniqueConstraint(
                fields=["centre", "user"], condition=Q(user__isnull=False), name="volunteer_one_record_per_centre",
                violation_error_message=_("This account already belongs to a volunteer of the centre.")),
        ]

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

    centre = centre_field()  # the board lists the certificates that expire soon, by date alone
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="certificates")
    skill = models.ForeignKey(Skill, verbose_name=_("skill or certificate"), on_delete=models.PROTECT)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, validators=[plausible.expiry_date])

    objects = CentreManager()

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




class Absence(models.Model):
    """An exception to the weekly pattern: the volunteer is away from one date to another (both included)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField(_("away from"), validators=[plausible.activity_date])
    ends_on = models.DateField(_("away until"), validators=[plausible.activity_date])
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="absence_ends_after_start",
                                              violation_error_message=_("The last day cannot be before the first."))]

    def __str__(self):
        return f"{self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y}"
