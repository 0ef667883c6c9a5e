"""Shifts, series and templates; assignments (who is booked on which shift), attendance and hours;
sent reminders."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import validators as plausible
from core.models import Location
from core.tenancy import CentreManager

from .people import MAX_AT_LEAST_MIN, Availability, Language, Skill, Volunteer, centre_field, new_token

TARGET_BETWEEN = _("The number of people wanted must be between the minimum and the maximum.")


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
    # What the work asks for, between the minimum and the maximum; the planner fills up to it
    # (empty: the minimum).
    target_people = models.PositiveSmallIntegerField(_("people wanted"), null=True, blank=True)
    signup_mode = models.CharField(_("sign-up"), max_length=10, choices=SignupMode.choices, default=SignupMode.OPEN)
    languages_needed = models.JSONField(_("languages needed"), default=list, blank=True,
                                        help_text=_("At least one person on the shift speaks each of them."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        abstract = True


class ShiftSeries(ShiftFields):
    """A repeating shift: every given weekday from a start date until an end date."""

    centre = centre_field()
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Availability.Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    starts_on = models.DateField(_("first date"), validators=[plausible.activity_date])
    until = models.DateField(_("last date"), validators=[plausible.activity_date])
    skills_needed = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CentreManager()

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
    centre = centre_field()
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT,
                                 related_name="volunteer_shifts")
    starts_at = models.DateTimeField(_("starts"), db_index=True, validators=[plausible.activity_date])
    ends_at = models.DateTimeField(_("ends"), validators=[plausible.activity_date])
    skills_needed = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True, related_name="shifts",
                                           help_text=_("At least one person on the shift holds each of them."))
    skills_everyone = models.ManyToManyField(
        Skill, verbose_name=_("skills everyone needs"), blank=True, related_name="+",
        help_text=_("Everyone on the shift holds each of them, valid on the day (e.g. a criminal-record "
                    "certificate for work with children)."))
    # A shift made from a need of the work (a distribution day, an event: core.staffing): its key,
    # and whether the coordinator corrected it by hand (then it is no longer updated from the need).
    need_key = models.CharField(max_length=80, blank=True, default="", db_index=True, editable=False)
    need_edited = models.BooleanField(default=False, editable=False)
    series = models.ForeignKey(ShiftSeries, verbose_name=_("series"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="shifts")
    # Active assignments (assigned or confirmed), kept by the services under a lock of this row.
    booked = models.PositiveSmallIntegerField(_("booked"), default=0, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checkin_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CentreManager()

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
            models.CheckConstraint(condition=Q(target_people__isnull=True) | (
                Q(target_people__gte=models.F("min_people")) & Q(target_people__lte=models.F("max_people"))),
                name="shift_target_between_min_and_max", violation_error_message=TARGET_BETWEEN),
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

    @property
    def wanted(self) -> int:
        """How many people the planner aims for."""
        return self.target_people if self.target_people is not None else self.min_people

    def language_labels(self):
        labels = dict(Language.choices)
        return [labels.get(code, code) for code in self.languages_needed]


class ShiftTemplate(models.Model):
    """A set of shifts that staffs a distribution day or an event in one go."""

    centre = centre_field()
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("shift template")
        verbose_name_plural = _("shift templates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(
            fields=["centre", "name"], name="shift_template_name_unique_in_centre",
            violation_error_message=_("The centre already has a shift template of this name."))]

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

    centre = centre_field()
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="assignments")
    # The volunteer record's account (signups.person_follows_account keeps it so): a person who volunteers
    # at two centres has a record at each, and the database refuses her two active places at once
    # whichever centres booked them.
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                               on_delete=models.SET_NULL, related_name="+")
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

    objects = CentreManager()

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

    centre = centre_field()
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    shift_starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)
    channels = models.CharField(max_length=40, blank=True)

    objects = CentreManager()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["assignment", "shift_starts_at"], name="reminder_once",
                                               violation_error_message=_("This reminder has already been sent."))]

    def __str__(self):
        return f"{self.assignment_id} @ {self.shift_starts_at:%Y-%m-%d %H:%M}"


