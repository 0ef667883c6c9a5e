"""Creating and changing shifts: single shifts, repeating series, templates, cancellation."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit, audited_formset_save, audited_save, model_changes, snapshot
from core.models import AuditLog, Location

from ..models import TARGET_BETWEEN, Assignment, Shift, ShiftSeries, ShiftTemplate
from .notices import queue_for
from .signups import clash_text, first_clash

SHIFT_FIELDS = ["location_id", "starts_at", "ends_at", "role", "min_people", "max_people", "target_people",
                "signup_mode", "languages_needed", "description"]
COMMON = ["role", "min_people", "max_people", "target_people", "signup_mode", "languages_needed", "description"]
MAX_SERIES_DAYS = 366


def at(day: date, clock: time) -> datetime:
    """A local wall-clock time on a day, as an aware datetime (Europe/Athens, summer time included)."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(settings.TIME_ZONE))


def span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    if end <= start:
        raise ValidationError(_("The shift must end after it starts."))
    return at(day, start), at(day, end)


def _check_people(min_people, max_people, target_people=None):
    if max_people < 1 or max_people < min_people:
        raise ValidationError(_("The maximum must be at least 1 and not below the minimum."))
    if target_people is not None and not min_people <= target_people <= max_people:
        raise ValidationError(TARGET_BETWEEN)


@transaction.atomic
def create_shift(*, location: Location, day: date, start_time: time, end_time: time, skills=(), by=None,
                 series=None, skills_everyone=(), **fields) -> Shift:
    starts_at, ends_at = span(day, start_time, end_time)
    _check_people(fields.get("min_people", 1), fields.get("max_people", 2), fields.get("target_people"))
    shift = Shift.objects.create(location=location, starts_at=starts_at, ends_at=ends_at, series=series, **fields)
    shift.skills_needed.set(skills)
    shift.skills_everyone.set(skills_everyone)
    audit(AuditLog.Action.CREATE, shift, user=by)
    return shift


@transaction.atomic
def create_series(*, location: Location, weekday: int, start_time: time, end_time: time, starts_on: date,
                  until: date, skills=(), by=None, skills_everyone=(), **fields) -> ShiftSeries:
    """A repeating shift (e.g. every Tuesday 08:00-12:00 until June) and all its shifts."""
    if until < starts_on:
        raise ValidationError(_("The last date must not be before the first."))
    if (until - starts_on).days > MAX_SERIES_DAYS:
        raise ValidationError(_("A series may run for at most a year; start a new one after that."))
    span(starts_on, start_time, end_time)
    _check_people(fields.get("min_people", 1), fields.get("max_people", 2), fields.get("target_people"))
    series = ShiftSeries.objects.create(location=location, weekday=weekday, start_time=start_time,
                                        end_time=end_time, starts_on=starts_on, until=until, **fields)
    series.skills_needed.set(skills)
    day = starts_on + timedelta(days=(weekday - starts_on.weekday()) % 7)
    count = 0
    while day <= until:
        create_shift(location=location, day=day, start_time=start_time, end_time=end_time, skills=skills,
                     series=series, by=by, skills_everyone=skills_everyone, **fields)
        day += timedelta(days=7)
        count += 1
    if not count:
        raise ValidationError(_("No such weekday falls between the two dates."))
    audit(AuditLog.Action.CREATE, series, user=by, changes={"shifts": ["", str(count)]})
    return series


@transaction.atomic
def apply_template(template: ShiftTemplate, *, location: Location, day: date, by=None) -> list[Shift]:
    """Staff a distribution day or event in one go: one shift per line of the template."""
    shifts = []
    for line in template.lines.prefetch_related("skills_needed"):
        shifts.append(create_shift(
            location=location, day=day, start_time=line.start_time, end_time=line.end_time,
            skills=list(line.skills_needed.all()), by=by,
            **{name: getattr(line, name) for name in COMMON}))
    if not shifts:
        raise ValidationError(_("This template has no shifts yet."))
    return shifts


def _apply(shift: Shift, *, location, starts_at, ends_at, skills, values: dict,
           skills_everyone=None) -> tuple[bool, dict]:
    """Change one (locked) shift; returns (time or place changed, audit changes)."""
    before = snapshot(shift, SHIFT_FIELDS)
    moved = shift.starts_at != starts_at or shift.ends_at != ends_at or shift.location_id != location.pk
    if values["max_people"] < shift.booked:
        raise ValidationError(
            _("%(shift)s already has %(n)s people: free places first, then lower the maximum.")
            % {"shift": shift, "n": shift.booked})
    shift.location, shift.starts_at, shift.ends_at = location, starts_at, ends_at
    for name, value in values.items():
        setattr(shift, name, value)
    if moved:
        for assignment in shift.assignments.filter(status__in=Assignment.ACTIVE).select_related("volunteer"):
            clash = first_clash(assignment.volunteer, starts_at, ends_at, exclude_shift=shift)
            if clash is not None:
                raise ValidationError(
                    _("%(name)s would then have two shifts at once (%(other)s). Take them off one first.")
                    % {"name": assignment.volunteer.full_name, "other": clash_text(assignment.volunteer, clash)})
        shift.assignments.update(starts_at=starts_at, ends_at=ends_at)
    if shift.need_key:
        shift.need_edited = True  # corrected by hand: no longer updated from the need
    shift.save()
    if skills is not None:
        shift.skills_needed.set(skills)
    if skills_everyone is not None:
        shift.skills_everyone.set(skills_everyone)
    return moved, model_changes(before, snapshot(shift, SHIFT_FIELDS))


@transaction.atomic
def update_shift(shift: Shift, *, location: Location, day: date, start_time: time, end_time: time, skills=None,
                 scope: str = "one", by=None, skills_everyone=None, **values) -> list[Shift]:
    """Edit a shift, or (scope="following") this shift and the following ones of its series.

    With "following" the series is split: the earlier shifts keep the old series, this one and the
    later ones get a new series with the new times and details (each keeps its own date, so the
    new time of day applies to every week). People already booked are told when time or place changes.
    """
    _check_people(values.get("min_people", shift.min_people), values.get("max_people", shift.max_people),
                  values.get("target_people", shift.target_people))
    span(day, start_time, end_time)
    values = {name: values[name] for name in COMMON if name in values}
    values.setdefault("max_people", shift.max_people)
    if scope == "following" and shift.series_id:
        targets = list(Shift.objects.select_for_update().filter(
            series_id=shift.series_id, starts_at__gte=shift.starts_at, cancelled_at__isnull=True))
    else:
        targets = [Shift.objects.select_for_update().get(pk=shift.pk)]
        if targets[0].series_id:
            targets[0].series = None  # edited on its own: later series edits leave it alone
    moved_ids = []
    try:
        with transaction.atomic():
            for target in targets:
                own_day = day if len(targets) == 1 else timezone.localtime(target.starts_at).date()
                starts_at, ends_at = span(own_day, start_time, end_time)
                moved, changes = _apply(target, location=location, starts_at=starts_at, ends_at=ends_at,
                                        skills=skills, values=values, skills_everyone=skills_everyone)
                if moved:
                    active = target.assignments.filter(status__in=Assignment.ACTIVE)
                    moved_ids.extend(active.values_list("pk", flat=True))
                audit(AuditLog.Action.CHANGE, target, user=by, changes=changes)
    except IntegrityError as exc:
        raise ValidationError(_("The change clashes with another booking; nothing was changed.")) from exc
    if scope == "following" and shift.series_id:
        _split_series(shift, targets, location=location, start_time=start_time, end_time=end_time, skills=skills,
                      values=values)
    queue_for("changed", moved_ids)
    return targets


def _split_series(first: Shift, targets, *, location, start_time, end_time, skills, values):
    old = ShiftSeries.objects.select_for_update().get(pk=first.series_id)
    first_day = timezone.localtime(first.starts_at).date()
    if old.shifts.filter(starts_at__lt=first.starts_at).exists():
        new = ShiftSeries.objects.create(
            location=location, weekday=old.weekday, start_time=start_time, end_time=end_time, starts_on=first_day,
            until=max(old.until, first_day), **{name: values.get(name, getattr(old, name)) for name in COMMON})
        new.skills_needed.set(skills if skills is not None else old.skills_needed.all())
        Shift.objects.filter(pk__in=[t.pk for t in targets]).update(series=new)
        old.until = first_day - timedelta(days=1)
        old.save(update_fields=["until"])
    else:
        old.location, old.start_time, old.end_time = location, start_time, end_time
        for name in COMMON:
            setattr(old, name, values.get(name, getattr(old, name)))
        old.save()
        if skills is not None:
            old.skills_needed.set(skills)


@transaction.atomic
def cancel_shift(shift: Shift, *, by, scope: str = "one") -> list[Shift]:
    """Cancel a shift (or this and the following of its series); everyone booked is told."""
    if scope == "following" and shift.series_id:
        targets = list(Shift.objects.select_for_update().filter(
            series_id=shift.series_id, starts_at__gte=shift.starts_at, cancelled_at__isnull=True))
        if Shift.objects.filter(series_id=shift.series_id, starts_at__lt=shift.starts_at).exists():
            ShiftSeries.objects.filter(pk=shift.series_id).update(
                until=timezone.localtime(shift.starts_at).date() - timedelta(days=1))
    else:
        targets = [Shift.objects.select_for_update().get(pk=shift.pk)]
    told = []
    now = timezone.now()
    for target in targets:
        if target.cancelled_at is not None:
            continue
        active = list(target.assignments.filter(status__in=Assignment.ACTIVE).values_list("pk", flat=True))
        target.assignments.filter(status__in=(*Assignment.ACTIVE, Assignment.Status.REQUESTED)).update(
            status=Assignment.Status.CANCELLED)
        target.cancelled_at = now
        target.booked = 0
        target.save(update_fields=["cancelled_at", "booked"])
        audit(AuditLog.Action.CHANGE, target, user=by, changes={"cancelled": ["", str(now)]})
        told.extend(active)
    queue_for("cancelled", told)
    return targets


TEMPLATE_FIELDS = ["name", "description"]


@transaction.atomic
def save_template(template: ShiftTemplate, lines, *, by) -> ShiftTemplate:
    """A shift template (form data already on it) and its lines (a valid inline formset), audited
    row by row."""
    audited_save(template, TEMPLATE_FIELDS, by=by)
    lines.instance = template
    audited_formset_save(lines, by=by)
    return template
