"""Proposing, publishing and discarding plans made by the planner (volunteers.planner).

`propose` reads the roster and the shifts of a period (or one shift) into the planner's plain data,
runs it and stores its proposal: one line per volunteer to add to a shift, to keep, or to take off
(an assignment of the published plan the new plan drops), each with its reasons, and the needs it
leaves unmet with the rule that binds. `publish` applies the lines the coordinator accepted through
the usual services (signups.assign and signups.remove), so the volunteers are told by the usual messages.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog

from .. import planner
from ..models import Assignment, PlanLine, PlanProposal, Shift, Volunteer
from ..selectors import places_at_other_centres
from . import signups

MAX_WEEKS = 8


def min_rest_hours() -> float:
    return float(getattr(settings, "VOLUNTEER_MIN_REST_HOURS", 8))


def time_limit() -> float:
    return float(getattr(settings, "VOLUNTEER_PLANNER_SECONDS", 10))


def quarter_of(day: date) -> tuple[date, date]:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    last = date(first.year + (first.month + 3 > 12), (first.month + 3 - 1) % 12 + 1, 1) - timedelta(days=1)
    return first, last


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0))


def _hours(start, end) -> float:
    return (end - start).total_seconds() / 3600


def _person(volunteer: Volunteer, quarter: tuple[date, date], prior: float) -> planner.Person:
    weekly = tuple(planner.Window(a.weekday, a.start_time, a.end_time) for a in volunteer.availability.all())
    away = tuple((_midnight(a.starts_on), _midnight(a.ends_on + timedelta(days=1))) for a in volunteer.absences.all())
    # The fair share follows the hours they are usually available in the quarter, less their absences.
    days = (quarter[1] - quarter[0]).days + 1
    away_days = sum(max(0, (min(a.ends_on, quarter[1]) - max(a.starts_on, quarter[0])).days + 1)
                    for a in volunteer.absences.all())
    weekly_hours = sum(_hours(_midnight(quarter[0]) + timedelta(hours=w.start.hour, minutes=w.start.minute),
                              _midnight(quarter[0]) + timedelta(hours=w.end.hour, minutes=w.end.minute))
                       for w in weekly)
    return planner.Person(
        id=volunteer.pk, name=volunteer.full_name, weekly=weekly, away=away,
        skills={c.skill_id: c.expires_on for c in volunteer.certificates.all()},
        languages=frozenset(lang.language for lang in volunteer.languages.all()),
        max_hours_week=volunteer.max_hours_week, max_hours_month=volunteer.max_hours_month,
        prior_hours=prior, weight=weekly_hours * (days - away_days) / 7,
        preferred_sites=frozenset(loc.pk for loc in volunteer.preferred_locations.all()),
        preferred_roles=frozenset(volunteer.preferred_roles or ()),
        likes_with=frozenset(v.pk for v in volunteer.works_well_with.all()))


def _slot(shift: Shift) -> planner.Slot:
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return planner.Slot(
        id=shift.pk, start=start.replace(tzinfo=None), end=end.replace(tzinfo=None), site=shift.location_id,
        role=shift.role, minimum=shift.min_people, target=shift.wanted, maximum=shift.max_people,
        skills_all=frozenset(s.pk for s in shift.skills_everyone.all()),
        skills_any=frozenset(s.pk for s in shift.skills_needed.all()),
        languages={code: 1 for code in shift.languages_needed},
        label=f"{shift.get_role_display()} · {shift.location.name} · {start:%d/%m %H:%M}")


def shifts_to_plan(starts_on: date, ends_on: date, *, now=None):
    now = now or timezone.now()
    zone = ZoneInfo(settings.TIME_ZONE)
    start = max(datetime.combine(starts_on, time(0), tzinfo=zone), now)
    end = datetime.combine(ends_on + timedelta(days=1), time(0), tzinfo=zone)
    return (Shift.objects.filter(cancelled_at__isnull=True, starts_at__gte=start, starts_at__lt=end)
            .select_related("location").prefetch_related("skills_needed", "skills_everyone").order_by("starts_at"))


def build_problem(shifts: list[Shift], *, quarter_day: date, only=None) -> planner.Problem:
    """The planner's data for these shifts: every active volunteer (or those of the ids in `only`, to
    check a few people's rules), what they already have."""
    ids = [s.pk for s in shifts]
    quarter = quarter_of(quarter_day)
    zone = ZoneInfo(settings.TIME_ZONE)
    q_start = datetime.combine(quarter[0], time(0), tzinfo=zone)
    q_end = datetime.combine(quarter[1] + timedelta(days=1), time(0), tzinfo=zone)
    active = Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
    if only is not None:
        active = active.filter(pk__in=list(only))
    volunteers = list(active.prefetch_related(
        "availability", "absences", "certificates", "languages", "preferred_locations", "works_well_with"))
    on_planned = Assignment.objects.filter(shift_id__in=ids)
    prior = {v.pk: 0.0 for v in volunteers}
    busy = []
    first = min((s.starts_at for s in shifts), default=q_start) - timedelta(days=31)
    last = max((s.ends_at for s in shifts), default=q_end) + timedelta(days=31)
    elsewhere = (Assignment.objects.filter(volunteer__in=volunteers, status__in=Assignment.ACTIVE)
                 .exclude(shift_id__in=ids).filter(starts_at__lt=max(last, q_end), ends_at__gt=min(first, q_start))
                 .values_list("volunteer_id", "starts_at", "ends_at", "hours"))
    for volunteer_id, start, end, hours in elsewhere:
        if q_start <= start < q_end:
            prior[volunteer_id] += float(hours) if hours is not None else _hours(start, end)
        if start < last and end > first:
            busy.append(planner.Busy(volunteer_id, _local(start), _local(end)))
    # The same people's places at other centres (they volunteer there too): busy then, nothing more known.
    record_of = {v.user_id: v.pk for v in volunteers if v.user_id is not None}
    for account_id, start, end in places_at_other_centres(record_of, first, last):
        busy.append(planner.Busy(record_of[account_id], _local(start), _local(end)))
    kept, published, declined = set(), set(), set()
    for volunteer_id, shift_id, status, dropped in on_planned.values_list(
            "volunteer_id", "shift_id", "status", "dropped_out_at"):
        if status == Assignment.Status.CONFIRMED:
            kept.add((volunteer_id, shift_id))
        elif status == Assignment.Status.ASSIGNED:
            published.add((volunteer_id, shift_id))
        elif status == Assignment.Status.DECLINED or dropped is not None:
            declined.add((volunteer_id, shift_id))
    active = {v.pk for v in volunteers}
    return planner.Problem(
        people=[_person(v, quarter, prior[v.pk]) for v in volunteers], shifts=[_slot(s) for s in shifts],
        kept=frozenset(p for p in kept if p[0] in active), published=frozenset(p for p in published if p[0] in active),
        busy=tuple(busy), declined=frozenset(declined), min_rest_hours=min_rest_hours(), time_limit=time_limit())


def _plain(value):
    """Reasons' values as JSON: dates and times in the centre's own way of writing them."""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def _reasons(reasons) -> list[dict]:
    return [{"code": r.code, "params": _plain(r.params)} for r in reasons]


@transaction.atomic
def propose(*, starts_on: date, ends_on: date | None = None, shift: Shift | None = None, by) -> PlanProposal:
    """Run the planner over the shifts from `starts_on` to `ends_on` (or over one shift) and keep its proposal."""
    if shift is not None:
        if shift.cancelled_at is not None or shift.starts_at <= timezone.now():
            raise ValidationError(_("This shift is cancelled or has already started."))
        shifts = list(shifts_to_plan(timezone.localtime(shift.starts_at).date(),
                                     timezone.localtime(shift.starts_at).date()).filter(pk=shift.pk))
        starts_on = ends_on = timezone.localtime(shift.starts_at).date()
    else:
        if ends_on is None or ends_on < starts_on:
            raise ValidationError(_("The last day cannot be before the first."))
        if (ends_on - starts_on).days >= MAX_WEEKS * 7:
            raise ValidationError(_("Plan at most %(n)s weeks at a time.") % {"n": MAX_WEEKS})
        shifts = list(shifts_to_plan(starts_on, ends_on))
    if not shifts:
        raise ValidationError(_("There are no shifts to plan in this period."))
    problem = build_problem(shifts, quarter_day=starts_on)
    result = planner.plan(problem)
    proposal = PlanProposal.objects.create(
        starts_on=starts_on, ends_on=ends_on, shift=shift, created_by=by, seconds=round(result.seconds, 2),
        optimal=result.optimal, gap=result.gap,
        levels=[{"name": lv.name, "value": None if lv.value != lv.value else lv.value, "bound": lv.bound,
                 "optimal": lv.optimal} for lv in result.levels],
        shortfalls=[{"shift": g.shift, "kind": g.kind, "missing": g.missing, "what": g.what, "binding": g.binding,
                     "blocked": g.blocked, "fixes": _reasons(g.fixes)} for g in result.shortfalls])
    chosen = result.pairs()
    lines = [PlanLine(proposal=proposal, shift_id=a.shift, volunteer_id=a.person, reasons=_reasons(a.reasons),
                      action=PlanLine.Action.KEEP if (a.kept or a.published) else PlanLine.Action.ADD,
                      accepted=True)
             for a in result.assignments]
    lines += [PlanLine(proposal=proposal, shift_id=s, volunteer_id=p, action=PlanLine.Action.REMOVE, accepted=True,
                       reasons=[{"code": "dropped", "params": {}}])
              for p, s in sorted(problem.published - chosen)]
    PlanLine.objects.bulk_create(lines)
    audit(AuditLog.Action.CREATE, proposal, user=by, changes={
        "shifts": ["", str(len(shifts))], "lines": ["", str(len(lines))], "seconds": ["", str(proposal.seconds)]})
    return proposal


@transaction.atomic
def publish(proposal: PlanProposal, *, accepted: set[int], by) -> dict:
    """Apply the accepted lines (ids) of a draft: each addition through signups.assign (the volunteer is
    asked to confirm, by the usual message), each removal through signups.remove (they are told). A line
    that can no longer be applied (the shift filled up, the volunteer is now busy) is skipped and says why."""
    proposal = PlanProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != PlanProposal.Status.DRAFT:
        raise ValidationError(_("This plan was already published or discarded."))
    done = {"added": 0, "removed": 0, "skipped": 0}
    lines = proposal.lines.select_related("shift", "volunteer").exclude(action=PlanLine.Action.KEEP)
    # Removals first, so that a place they free can take the new person.
    for line in sorted(lines, key=lambda line: line.action != PlanLine.Action.REMOVE):
        line.accepted = line.pk in accepted
        if line.accepted:
            try:
                with transaction.atomic():
                    if line.action == PlanLine.Action.ADD:
                        signups.assign(line.shift, line.volunteer, by=by)
                        done["added"] += 1
                    else:
                        assignment = Assignment.objects.get(shift=line.shift, volunteer=line.volunteer,
                                                            status=Assignment.Status.ASSIGNED)
                        signups.remove(assignment, by=by)
                        done["removed"] += 1
                    line.outcome = "done"
            except (ValidationError, Assignment.DoesNotExist) as error:
                line.outcome = "; ".join(getattr(error, "messages", [str(error)]))[:300]
                done["skipped"] += 1
        line.save(update_fields=["accepted", "outcome"])
    proposal.status = PlanProposal.Status.PUBLISHED
    proposal.published_at = timezone.now()
    proposal.save(update_fields=["status", "published_at"])
    audit(AuditLog.Action.CHANGE, proposal, user=by,
          changes={"status": ["draft", "published"], **{k: ["", str(v)] for k, v in done.items()}})
    return done


@transaction.atomic
def discard(proposal: PlanProposal, *, by) -> None:
    proposal = PlanProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != PlanProposal.Status.DRAFT:
        raise ValidationError(_("This plan was already published or discarded."))
    proposal.status = PlanProposal.Status.DISCARDED
    proposal.save(update_fields=["status"])
    audit(AuditLog.Action.CHANGE, proposal, user=by, changes={"status": ["draft", "discarded"]})
