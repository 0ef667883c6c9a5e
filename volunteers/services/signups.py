"""Who is on which shift. The two rules that must always hold:

- never more active people (assigned or confirmed) on a shift than its maximum: the shift row is
  locked (SELECT ... FOR UPDATE) while its `booked` counter is checked and changed, and a check
  constraint refuses `booked > max_people` whatever happens;
- nobody on two shifts that overlap in time, at one centre or at two (a person who volunteers at two
  centres has a record at each, linked to her account): the account and the volunteer row are locked
  while the overlap is checked, and on PostgreSQL exclusion constraints refuse overlapping active
  assignments of one record and of one account (`Assignment.person`, kept by person_follows_account).
  Another centre's shift is never described here: only "a shift at another centre".

Locks are always taken account first, then volunteer, then shift, so two bookings never deadlock.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog
from core.tenancy import scopes_disabled

from ..models import Assignment, Shift, SignupMode, Volunteer
from .coordinator_notices import tell_coordinators_now
from .notices import queue_for

ACTIVE = Assignment.ACTIVE


def _locked(volunteer: Volunteer, shift: Shift) -> tuple[Volunteer, Shift]:
    if volunteer.user_id is not None:
        # Her bookings at every centre wait for each other (no key update: a row that points at the
        # account, a new place or a membership, may still be written meanwhile).
        list(get_user_model().objects.select_for_update(no_key=True).filter(pk=volunteer.user_id).values_list("pk"))
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    shift = Shift.objects.select_for_update().select_related("location").get(pk=shift.pk)
    return volunteer, shift


def first_clash(volunteer, starts_at, ends_at, *, exclude_shift=None) -> Assignment | None:
    """The first active place that overlaps the given time: the volunteer's own here, or the same
    person's at another centre (through her account)."""
    who = Q(volunteer_id=volunteer.pk)
    if volunteer.user_id is not None:
        who |= Q(person_id=volunteer.user_id)
    with scopes_disabled():  # her places at every centre
        places = Assignment.objects.filter(who, status__in=ACTIVE, starts_at__lt=ends_at, ends_at__gt=starts_at)
        if exclude_shift is not None:
            places = places.exclude(shift_id=exclude_shift.pk)
        return places.select_related("shift__location").order_by("starts_at").first()


def clash_text(volunteer, clash: Assignment) -> str:
    """The clash as this centre may be told it: its own shift, or only that she is busy elsewhere."""
    if clash.centre_id == volunteer.centre_id:
        return str(clash.shift)
    return _("a shift at another centre")


def person_follows_account(volunteer: Volunteer) -> None:
    """After a volunteer record's account changed (linked, made, or removed): its places are that
    person's, so that she is never on two shifts at once at two centres. Refused if linking would put
    her there already."""
    if volunteer.user_id is not None:
        with scopes_disabled():
            hers_elsewhere = Assignment.objects.filter(person_id=volunteer.user_id, status__in=ACTIVE).exclude(
                volunteer_id=volunteer.pk)
            clash = Assignment.objects.filter(volunteer_id=volunteer.pk, status__in=ACTIVE).filter(Exists(
                hers_elsewhere.filter(starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at")))).first()
        if clash is not None:
            raise ValidationError(
                _("%(name)s already has a shift at another centre at the same time as %(shift)s: take them off "
                  "one of the two first.") % {"name": volunteer.full_name, "shift": clash.shift})
    Assignment.objects.filter(volunteer_id=volunteer.pk).update(person_id=volunteer.user_id)


def _check_open(shift: Shift, *, now=None) -> None:
    if shift.cancelled_at is not None:
        raise ValidationError(_("This shift is cancelled."))
    if shift.starts_at <= (now or timezone.now()):
        raise ValidationError(_("This shift has already started."))


def _check_can_be_booked(volunteer: Volunteer, shift: Shift) -> None:
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise ValidationError(_("%(name)s is not an active volunteer.") % {"name": volunteer.full_name})
    if shift.booked >= shift.max_people:
        raise ValidationError(_("This shift is full (%(max)s people).") % {"max": shift.max_people})
    clash = first_clash(volunteer, shift.starts_at, shift.ends_at, exclude_shift=shift)
    if clash is not None:
        raise ValidationError(_("%(name)s already has a shift at that time: %(other)s.")
                              % {"name": volunteer.full_name, "other": clash_text(volunteer, clash)})


def _save_active(assignment: Assignment, shift: Shift, status: str) -> Assignment:
    """Make the assignment active and count it on the (locked) shift."""
    was_active = assignment.pk is not None and assignment.status in ACTIVE
    assignment.status = status
    assignment.person_id = assignment.volunteer.user_id
    assignment.starts_at, assignment.ends_at = shift.starts_at, shift.ends_at
    try:
        with transaction.atomic():
            assignment.save()
            if not was_active:
                Shift.objects.filter(pk=shift.pk).update(booked=F("booked") + 1)
    except IntegrityError as exc:  # the database's own guard (overbooking or overlap) said no
        raise ValidationError(_("This place was just taken, or the volunteer is busy at that time. "
                                "Reload the page and try again.")) from exc
    shift.booked += 0 if was_active else 1
    return assignment


def _release(assignment: Assignment, status: str) -> None:
    """Leave the active states (the shift row must be locked by the caller)."""
    if assignment.status in ACTIVE:
        Shift.objects.filter(pk=assignment.shift_id).update(booked=F("booked") - 1)
    assignment.status = status
    assignment.save(update_fields=["status", "updated_at"])


def _row(volunteer, shift) -> Assignment:
    return Assignment.objects.filter(volunteer=volunteer, shift=shift).first() or Assignment(
        volunteer=volunteer, shift=shift, starts_at=shift.starts_at, ends_at=shift.ends_at)


@transaction.atomic
def take_shift(volunteer: Volunteer, shift: Shift, *, by=None) -> Assignment:
    """The volunteer takes a place (open shift) or asks for one (on-request shift)."""
    volunteer, shift = _locked(volunteer, shift)
    _check_open(shift)
    if shift.signup_mode == SignupMode.ASSIGNED:
        raise ValidationError(_("Only the coordinator assigns people to this shift."))
    assignment = _row(volunteer, shift)
    if assignment.pk and assignment.status in (*ACTIVE, Assignment.Status.REQUESTED):
        raise ValidationError(_("You are already on this shift."))
    _check_can_be_booked(volunteer, shift)
    if shift.signup_mode == SignupMode.REQUEST:
        assignment.status = Assignment.Status.REQUESTED
        assignment.starts_at, assignment.ends_at = shift.starts_at, shift.ends_at
        assignment.save()
    else:
        _save_active(assignment, shift, Assignment.Status.CONFIRMED)
    audit(AuditLog.Action.CREATE, assignment, user=by, changes={"status": ["", assignment.status]})
    return assignment


@transaction.atomic
def leave_shift(volunteer: Volunteer, shift: Shift, *, by=None) -> Assignment:
    """The volunteer gives their place back (before the shift starts)."""
    volunteer, shift = _locked(volunteer, shift)
    assignment = Assignment.objects.filter(volunteer=volunteer, shift=shift,
                                           status__in=(*ACTIVE, Assignment.Status.REQUESTED)).first()
    if assignment is None:
        raise ValidationError(_("You are not on this shift."))
    if shift.starts_at <= timezone.now():
        raise ValidationError(_("This shift has already started; call the coordinator."))
    before = assignment.status
    _dropped_out(assignment, Assignment.Status.CANCELLED)
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"status": [before, assignment.status]})
    if before in ACTIVE:
        tell_coordinators_now(assignment.pk)
    return assignment


def _dropped_out(assignment: Assignment, status: str) -> None:
    """The volunteer gives the place back themself: released, and marked so (board, shift, notice)."""
    _release(assignment, status)
    assignment.dropped_out_at = timezone.now()
    assignment.save(update_fields=["dropped_out_at"])


@transaction.atomic
def assign(shift: Shift, volunteer: Volunteer, *, by, quiet: bool = False) -> Assignment:
    """The coordinator puts a volunteer on a shift (any sign-up mode); the volunteer is asked to confirm.

    A pending request of the same volunteer is accepted instead (confirmed at once). `quiet` sends no
    message (imports and demo data)."""
    volunteer, shift = _locked(volunteer, shift)
    _check_open(shift)
    assignment = _row(volunteer, shift)
    if assignment.pk and assignment.status in ACTIVE:
        raise ValidationError(_("%(name)s is already on this shift.") % {"name": volunteer.full_name})
    before = assignment.status if assignment.pk else ""
    _check_can_be_booked(volunteer, shift)
    status = Assignment.Status.CONFIRMED if before == Assignment.Status.REQUESTED else Assignment.Status.ASSIGNED
    _save_active(assignment, shift, status)
    audit(AuditLog.Action.CHANGE if before else AuditLog.Action.CREATE, assignment, user=by,
          changes={"status": [before, status]})
    if not quiet:
        queue_for("confirmed" if status == Assignment.Status.CONFIRMED else "assigned", [assignment.pk])
    return assignment


@transaction.atomic
def approve_request(assignment: Assignment, *, by) -> Assignment:
    volunteer, shift = _locked(assignment.volunteer, assignment.shift)
    assignment = Assignment.objects.get(pk=assignment.pk)
    if assignment.status != Assignment.Status.REQUESTED:
        raise ValidationError(_("This request was already answered."))
    _check_open(shift)
    _check_can_be_booked(volunteer, shift)
    _save_active(assignment, shift, Assignment.Status.CONFIRMED)
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"status": ["requested", "confirmed"]})
    queue_for("confirmed", [assignment.pk])
    return assignment


@transaction.atomic
def decline_request(assignment: Assignment, *, by) -> Assignment:
    _locked(assignment.volunteer, assignment.shift)
    assignment = Assignment.objects.get(pk=assignment.pk)
    if assignment.status != Assignment.Status.REQUESTED:
        raise ValidationError(_("This request was already answered."))
    _release(assignment, Assignment.Status.DECLINED)
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"status": ["requested", "declined"]})
    queue_for("request_declined", [assignment.pk])
    return assignment


@transaction.atomic
def confirm(assignment: Assignment, *, by=None) -> Assignment:
    """The volunteer confirms a shift the coordinator gave them."""
    _locked(assignment.volunteer, assignment.shift)
    assignment = Assignment.objects.select_related("shift").get(pk=assignment.pk)
    if assignment.status == Assignment.Status.CONFIRMED:
        return assignment
    if assignment.status != Assignment.Status.ASSIGNED:
        raise ValidationError(_("There is nothing to confirm on this shift."))
    _check_open(assignment.shift)
    assignment.status = Assignment.Status.CONFIRMED
    assignment.save(update_fields=["status", "updated_at"])
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"status": ["assigned", "confirmed"]})
    return assignment


@transaction.atomic
def decline(assignment: Assignment, *, by=None) -> Assignment:
    """The volunteer says they cannot come: the place is free again."""
    _locked(assignment.volunteer, assignment.shift)
    assignment = Assignment.objects.select_related("shift").get(pk=assignment.pk)
    if assignment.status not in ACTIVE:
        raise ValidationError(_("There is nothing to decline on this shift."))
    _check_open(assignment.shift)
    before = assignment.status
    _dropped_out(assignment, Assignment.Status.DECLINED)
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"status": [before, "declined"]})
    tell_coordinators_now(assignment.pk)
    return assignment


@transaction.atomic
def remove(assignment: Assignment, *, by, notify_volunteer=True) -> Assignment:
    """The coordinator takes a volunteer off a shift."""
    _locked(assignment.volunteer, assignment.shift)
    assignment = Assignment.objects.get(pk=assignment.pk)
    if assignment.status not in (*ACTIVE, Assignment.Status.REQUESTED):
        raise ValidationError(_("This volunteer is not on the shift."))
    if assignment.attendance == Assignment.Attendance.PRESENT:
        raise ValidationError(_("This volunteer was marked present; mark a no-show instead."))
    before = assignment.status
    _release(assignment, Assignment.Status.CANCELLED)
    audit(AuditLog.Action.CHANGE, assignment, user=by, changes={"status": [before, "cancelled"]})
    if notify_volunteer and before in ACTIVE:
        queue_for("removed", [assignment.pk])
    return assignment


def hand_over(assignment: Assignment, volunteer: Volunteer, shift: Shift, *, status: str) -> Assignment:
    """Give a place to another volunteer at once, in the caller's transaction (the caller holds the
    locks of both volunteers and of the shift): the old assignment is released and the new one booked,
    so the shift is never over its maximum and nobody is booked twice at the same time."""
    _release(assignment, Assignment.Status.CANCELLED)
    shift.refresh_from_db(fields=["booked"])
    row = _row(volunteer, shift)
    if row.pk and row.status in ACTIVE:
        raise ValidationError(_("%(name)s is already on this shift.") % {"name": volunteer.full_name})
    _check_can_be_booked(volunteer, shift)
    return _save_active(row, shift, status)
