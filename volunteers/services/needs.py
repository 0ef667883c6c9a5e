"""Shifts from the needs of the work (core.staffing: distribution days, events): each need becomes a
shift (assigned by the coordinator), or updates the shift it made before, unless the coordinator has
corrected that shift by hand (Shift.need_edited: then it is left as she set it)."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core import staffing
from core.audit import audit, model_changes, snapshot
from core.models import AuditLog, Location

from ..models import Shift, SignupMode, Skill
from ..reference import STANDARD_SKILLS
from .shifts import SHIFT_FIELDS, create_shift

CHILDREN_CERTIFICATE = STANDARD_SKILLS[3][0]  # "Ποινικό μητρώο (εργασία με παιδιά)"


@dataclass
class Synced:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    kept_by_hand: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


def _values(need) -> dict:
    return {"min_people": need.minimum, "target_people": max(need.target, need.minimum),
            "languages_needed": list(need.languages)}


@transaction.atomic
def sync_needs(start, end, *, by) -> Synced:
    """Create or update the shifts for the needs starting in [start, end)."""
    done = Synced()
    certificate = Skill.objects.filter(name=CHILDREN_CERTIFICATE).first()
    for need in staffing.needs(start, end):
        shift = Shift.objects.select_for_update().filter(need_key=need.key, cancelled_at__isnull=True).first()
        values = _values(need)
        if shift is None:
            local_start, local_end = timezone.localtime(need.starts_at), timezone.localtime(need.ends_at)
            shift = create_shift(
                location=Location.objects.get(pk=need.location_id), day=local_start.date(),
                start_time=local_start.time(), end_time=local_end.time(), role=need.role,
                max_people=max(values["target_people"], 1), signup_mode=SignupMode.ASSIGNED,
                description=f"{need.source}. {need.detail}", by=by,
                skills_everyone=[certificate] if need.with_children and certificate else [], **values)
            Shift.objects.filter(pk=shift.pk).update(need_key=need.key)
            done.created.append(shift)
            continue
        if shift.need_edited:
            done.kept_by_hand.append(shift)
            continue
        before = snapshot(shift, SHIFT_FIELDS)
        for name, value in values.items():
            setattr(shift, name, value)
        shift.max_people = max(shift.max_people, values["target_people"], shift.booked, 1)
        if (shift.starts_at, shift.ends_at) != (need.starts_at, need.ends_at):  # the same instants, any zone
            shift.starts_at, shift.ends_at = need.starts_at, need.ends_at
        changes = model_changes(before, snapshot(shift, SHIFT_FIELDS))
        if not changes:
            done.unchanged.append(shift)
            continue
        if shift.booked and ("starts_at" in changes or "ends_at" in changes):
            done.kept_by_hand.append(shift)  # people are on it: a moved need is the coordinator's call
            continue
        shift.save()
        audit(AuditLog.Action.CHANGE, shift, user=by, changes=changes)
        done.updated.append(shift)
    return done
