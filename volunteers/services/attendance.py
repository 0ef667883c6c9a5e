"""Who came: check-in by QR at the site or the coordinator's tick; no-shows; hours and their approval."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog

from ..models import Assignment, Shift, Volunteer

CHECKIN_OPENS_BEFORE = timedelta(hours=1)


@transaction.atomic
def check_in(shift_token: str, volunteer: Volunteer, *, now=None) -> Assignment:
    """The volunteer scanned the QR shown at the site (it opens the shift's check-in URL)."""
    now = now or timezone.now()
    shift = Shift.objects.filter(checkin_token=shift_token, cancelled_at__isnull=True).first()
    if shift is None:
        raise ValidationError(_("This check-in code is not valid."))
    if not (shift.starts_at - CHECKIN_OPENS_BEFORE <= now <= shift.ends_at):
        raise ValidationError(_("Check-in is open from an hour before the shift until its end."))
    assignment = (Assignment.objects.select_for_update()
                  .filter(shift=shift, volunteer=volunteer, status__in=Assignment.ACTIVE).first())
    if assignment is None:
        raise ValidationError(_("You are not on this shift. Ask the coordinator."))
    if assignment.attendance != Assignment.Attendance.PRESENT:
        assignment.attendance = Assignment.Attendance.PRESENT
        assignment.checked_in_at = now
        assignment.status = Assignment.Status.CONFIRMED  # coming is the clearest confirmation
        assignment.hours = shift.hours
        assignment.save()
        audit(AuditLog.Action.CHANGE, assignment, user=volunteer.user, changes={"attendance": ["", "present"]})
    return assignment


@transaction.atomic
def set_attendance(assignment: Assignment, attendance: str, *, by) -> Assignment:
    """The coordinator ticks present or no-show (also after the shift, from the paper list)."""
    assignment = Assignment.objects.select_for_update().select_related("shift").get(pk=assignment.pk)
    if assignment.status not in Assignment.ACTIVE:
        raise ValidationError(_("Only people on the shift can be marked."))
    if attendance not in Assignment.Attendance.values:
        raise ValidationError(_("Unknown attendance."))
    if assignment.shift.starts_at - CHECKIN_OPENS_BEFORE > timezone.now():
        raise ValidationError(_("Attendance is recorded from an hour before the shift."))
    before = assignment.attendance
    assignment.attendance = attendance
    if attendance == Assignment.Attendance.PRESENT:
        assignment.checked_in_at = assignment.checked_in_at or timezone.now()
        if assignment.hours is None or assignment.hours == 0:
            assignment.hours = assignment.shift.hours
    else:
        assignment.hours = Decimal("0") if attendance == Assignment.Attendance.NO_SHOW else None
        assignment.hours_approved_at = None
        assignment.hours_approved_by = None
    assignment.save()
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"attendance": [before, attendance]})
    return assignment


@transaction.atomic
def approve_hours(assignment: Assignment, *, by, hours: Decimal | None = None) -> Assignment:
    """Approve the hours of someone who came (optionally corrected); only approved hours count."""
    assignment = Assignment.objects.select_for_update().select_related("shift").get(pk=assignment.pk)
    if assignment.attendance != Assignment.Attendance.PRESENT:
        raise ValidationError(_("Hours are approved only for people marked present."))
    hours = assignment.shift.hours if hours is None and assignment.hours is None else (
        hours if hours is not None else assignment.hours)
    if hours < 0 or hours > 24:
        raise ValidationError(_("Hours must be between 0 and 24."))
    before = str(assignment.hours)
    assignment.hours = Decimal(hours).quantize(Decimal("0.01"))
    assignment.hours_approved_at = timezone.now()
    assignment.hours_approved_by = by
    assignment.save()
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"hours": [before, str(assignment.hours)],
                                                                "approved": ["", "yes"]})
    return assignment


def approve_shift_hours(shift: Shift, *, by) -> int:
    """Approve the computed hours of everyone present on a shift; returns how many."""
    count = 0
    for assignment in shift.assignments.filter(attendance=Assignment.Attendance.PRESENT,
                                               hours_approved_at__isnull=True):
        approve_hours(assignment, by=by)
        count += 1
    return count
