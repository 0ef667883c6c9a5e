"""Swaps: a volunteer who cannot come offers their confirmed shift; the planner ranks who may take it
(volunteers.planner.replace: its hard rules and fairness order); those are asked in turn, each with a
time to answer, until one accepts. The shift stays the offering volunteer's until then.

- Offer: any time before the shift starts (a reason is optional). Within VOLUNTEER_SWAP_ALERT_HOURS
  (24) of the start the coordinators are told at once.
- Asking: at most VOLUNTEER_SWAP_CANDIDATES (5) people, one at a time, by the usual messages with a
  signed one-time link (and on their "My shifts" page). Each has VOLUNTEER_SWAP_ANSWER_HOURS (6) to
  answer, shortened to a third of the time left before the start (at least 15 minutes, never past the
  start). `advance`, the worker's periodic job, moves on when the time runs out; a "no" moves on at
  once. Someone whose time ran out may still say yes while the offer is open.
- Taking: the first yes wins. In one transaction the offering volunteer's assignment is released and
  the new one confirmed, after every hard rule is checked again. The locks (both volunteers by id,
  then the shift, then the offer) make two yeses at once wait for each other; the second finds the
  offer taken and is thanked. The database keeps one accepted answer per offer whatever happens.
- The list runs out: the volunteer is told they are still expected, the coordinators are alerted.
- The coordinator may stop the search, or pick someone herself (the same checks and hand-over).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog
from core.refusals import Refusal

from ..models import ONE_TAKER, Assignment, Shift, SwapAsk, SwapOffer, Volunteer
from ..planner import replace
from ..planning_texts import rule_name
from . import planning, signups, swap_notices
from .notices import absolute, queue_for

SALT = "volunteers.swap"
MIN_ANSWER = timedelta(minutes=15)


class SwapRefusal(Refusal):
    code = "swap_refused"


def answer_hours() -> float:
    return float(getattr(settings, "VOLUNTEER_SWAP_ANSWER_HOURS", 6))


def alert_hours() -> float:
    return float(getattr(settings, "VOLUNTEER_SWAP_ALERT_HOURS", 24))


def how_many() -> int:
    return int(getattr(settings, "VOLUNTEER_SWAP_CANDIDATES", 5))


def answer_by(shift: Shift, now) -> datetime:
    """When a candidate asked now must answer."""
    left = shift.starts_at - now
    window = min(timedelta(hours=answer_hours()), max(left / 3, MIN_ANSWER))
    return min(now + window, shift.starts_at)


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _problem(shift: Shift, *, only=None):
    """The planner's data for the shift (for the people of `only` when set: checking one person's
    rules needs nobody else's)."""
    day = timezone.localtime(shift.starts_at).date()
    shifts = list(planning.shifts_to_plan(day, day).filter(pk=shift.pk))
    if not shifts:  # started or cancelled: nothing can be planned on it
        raise SwapRefusal(_("This shift has already started or is cancelled."), code="swap_shift_closed")
    return planning.build_problem(shifts, quarter_day=day, only=only)


def _lock(*volunteer_ids, shift_id: int, offer_id: int | None = None):
    """Volunteers by id, then the shift, then the offer: the order of every booking (signups)."""
    list(Volunteer.objects.select_for_update().filter(pk__in=sorted(set(volunteer_ids))).order_by("pk"))
    shift = Shift.objects.select_for_update().select_related("location").get(pk=shift_id)
    offer = SwapOffer.objects.select_for_update().get(pk=offer_id) if offer_id else None
    return shift, offer


def _reasons(reasons) -> list[dict]:
    return [{"code": r.code, "params": planning._plain(r.params)} for r in reasons]


def _close(offer: SwapOffer, status: str, *, now, by=None) -> None:
    offer.status, offer.closed_at = status, now
    offer.save(update_fields=["status", "closed_at", "taken_by", "binding", "blocked", "fixes"])
    offer.asks.filter(status__in=(SwapAsk.Status.QUEUED, SwapAsk.Status.ASKED)).update(status=SwapAsk.Status.CLOSED)
    audit(AuditLog.Action.CHANGE, offer, user=by, changes={"status": ["open", status]})


@transaction.atomic
def offer_shift(assignment: Assignment, *, reason: str = "", by=None, now=None) -> SwapOffer:
    """The volunteer offers their confirmed shift; the planner's best replacements are asked in turn."""
    now = now or timezone.now()
    shift, _offer = _lock(assignment.volunteer_id, shift_id=assignment.shift_id)
    assignment = Assignment.objects.select_related("volunteer").get(pk=assignment.pk)
    if assignment.status != Assignment.Status.CONFIRMED:
        raise SwapRefusal(_("Only a confirmed shift can be offered to others."), code="swap_not_confirmed")
    if shift.cancelled_at is not None or shift.starts_at <= now:
        raise SwapRefusal(_("This shift has already started or is cancelled."), code="swap_shift_closed")
    if SwapOffer.objects.filter(assignment=assignment, status=SwapOffer.Status.OPEN).exists():
        raise SwapRefusal(_("This shift is already offered."), code="swap_already_offered")
    offer = SwapOffer(assignment=assignment, shift=shift, volunteer=assignment.volunteer, reason=reason.strip()[:300])
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError as exc:
        raise SwapRefusal(_("This shift is already offered."), code="swap_already_offered") from exc
    audit(AuditLog.Action.CREATE, offer, user=by, changes={"status": ["", "open"], "shift": ["", str(shift.pk)]})
    ranking = replace.rank(_problem(shift), shift.pk, assignment.volunteer_id, limit=how_many())
    if not ranking.candidates:
        gap = ranking.shortfall
        offer.binding, offer.blocked = gap.binding, gap.blocked
        offer.fixes = [{"code": f.code, "params": planning._plain(f.params)} for f in gap.fixes]
        _nobody(offer, now=now, by=by)
        return offer
    SwapAsk.objects.bulk_create([SwapAsk(offer=offer, volunteer_id=c.person, position=i, reasons=_reasons(c.reasons))
                                 for i, c in enumerate(ranking.candidates, start=1)])
    asking = _ask_next(offer, now=now, by=by)
    if asking is not None and shift.starts_at - now <= timedelta(hours=alert_hours()):
        swap_notices.tell_coordinators(offer, "offered", asking=asking)
    return offer


def _nobody(offer: SwapOffer, *, now, by=None) -> None:
    _close(offer, SwapOffer.Status.NOBODY, now=now, by=by)
    swap_notices.tell_offerer(offer, "nobody")
    swap_notices.tell_coordinators(offer, "nobody")


def _ask_next(offer: SwapOffer, *, now, by=None) -> SwapAsk | None:
    """Ask the next candidate who still meets every hard rule (the others are skipped, with the rule);
    nobody left: the offer ends, the volunteer is still expected. The caller holds the offer's lock."""
    for ask in offer.asks.filter(status=SwapAsk.Status.QUEUED).select_related("volunteer").order_by("position"):
        failed = replace.failures(_problem(offer.shift, only=[ask.volunteer_id]), ask.volunteer_id, offer.shift_id)
        if failed:
            ask.status, ask.skipped_rule = SwapAsk.Status.SKIPPED, failed[0]
            ask.save(update_fields=["status", "skipped_rule"])
            audit(AuditLog.Action.CHANGE, ask, user=by, changes={"status": ["queued", "skipped"], "rule": failed[0]})
            continue
        nonce = secrets.token_urlsafe(18)
        ask.status, ask.asked_at, ask.answer_by = SwapAsk.Status.ASKED, now, answer_by(offer.shift, now)
        ask.nonce_hash = _hash(nonce)
        ask.save(update_fields=["status", "asked_at", "answer_by", "nonce_hash"])
        audit(AuditLog.Action.CHANGE, ask, user=by, changes={"status": ["queued", "asked"],
                                                             "answer_by": ["", ask.answer_by.isoformat()]})
        swap_notices.ask_candidate(ask, link_for(ask, nonce))
        return ask
    _nobody(offer, now=now, by=by)
    return None


def link_for(ask: SwapAsk, nonce: str) -> str:
    token = signing.dumps({"a": ask.pk, "n": nonce}, salt=SALT, compress=True)
    return absolute(reverse("volunteers:swap_answer", args=[token]))


def ask_from_token(token: str) -> SwapAsk | None:
    """The ask a link stands for, or None when the link is forged, altered or not this ask's."""
    try:
        data = signing.loads(token, salt=SALT)
        ask = SwapAsk.objects.select_related("offer__shift__location", "volunteer").get(pk=int(data["a"]))
    except (signing.BadSignature, SwapAsk.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    if not ask.nonce_hash or not secrets.compare_digest(ask.nonce_hash, _hash(str(data.get("n", "")))):
        return None
    return ask


def _taken_text() -> str:
    return _("Thank you! Someone else has just taken this shift, so we do not need you this time.")


def _check_answerable(ask: SwapAsk, offer: SwapOffer) -> None:
    if offer.status == SwapOffer.Status.TAKEN:
        raise SwapRefusal(_taken_text(), code="swap_taken")
    if offer.status != SwapOffer.Status.OPEN:
        raise SwapRefusal(_("Thank you! This shift no longer needs anyone: the volunteer will come after all, or "
                            "the coordinator arranged it."), code="swap_closed")
    if ask.status == SwapAsk.Status.DECLINED:
        raise SwapRefusal(_("You already said no to this shift."), code="swap_answered")
    if ask.status not in (SwapAsk.Status.ASKED, SwapAsk.Status.EXPIRED):
        raise SwapRefusal(_("You are not being asked for this shift now."), code="swap_not_asked")


def _hand_over(offer: SwapOffer, shift: Shift, volunteer_id: int, *, by, now) -> Assignment:
    """Release the offering volunteer's place and confirm the new one (the caller holds the locks)."""
    old = Assignment.objects.get(pk=offer.assignment_id)
    if old.status != Assignment.Status.CONFIRMED or shift.cancelled_at is not None or shift.starts_at <= now:
        raise SwapRefusal(_("This shift no longer needs anyone."), code="swap_closed")
    failed = replace.failures(_problem(shift, only=[volunteer_id]), volunteer_id, shift.pk)
    if failed:
        refusal = SwapRefusal(_("%(who)s cannot take this shift any more: %(rule)s.") % {
            "who": Volunteer.objects.get(pk=volunteer_id).full_name, "rule": rule_name(failed[0])}, code="swap_rule")
        refusal.rule = failed[0]
        raise refusal
    volunteer = Volunteer.objects.get(pk=volunteer_id)
    new = signups.hand_over(old, volunteer, shift, status=Assignment.Status.CONFIRMED)
    audit(AuditLog.Action.CHANGE, old, user=by, changes={"status": ["confirmed", "cancelled"],
                                                         "swap": ["", f"offer {offer.pk}: replaced"]})
    audit(AuditLog.Action.CREATE, new, user=by, changes={"status": ["", "confirmed"],
                                                         "swap": ["", f"offer {offer.pk}: took the place"]})
    return new


def _taken(offer: SwapOffer, ask: SwapAsk, new: Assignment, *, now, by) -> None:
    ask.status, ask.answered_at = SwapAsk.Status.ACCEPTED, now
    try:
        with transaction.atomic():
            ask.save(update_fields=["status", "answered_at"])
    except IntegrityError as exc:  # the database's own guard: one taker per offer
        raise SwapRefusal(str(ONE_TAKER), code="swap_taken") from exc
    audit(AuditLog.Action.CHANGE, ask, user=by, changes={"status": ["asked", "accepted"]})
    offer.taken_by_id = new.volunteer_id
    _close(offer, SwapOffer.Status.TAKEN, now=now, by=by)
    queue_for("confirmed", [new.pk])
    swap_notices.tell_offerer(offer, "taken")
    swap_notices.tell_coordinators(offer, "taken")


def accept(ask: SwapAsk, *, by=None, now=None) -> Assignment:
    """The candidate says yes: the shift is theirs if nobody took it first and every rule still holds.
    A rule they no longer meet is recorded (they are skipped, and the next one asked) and refused."""
    now = now or timezone.now()
    try:
        return _accept(ask, by=by, now=now)
    except SwapRefusal as refusal:
        if refusal.code == "swap_rule":
            _skip(ask, refusal.rule, by=by, now=now)
        raise


@transaction.atomic
def _accept(ask: SwapAsk, *, by, now) -> Assignment:
    offer = SwapOffer.objects.get(pk=ask.offer_id)
    shift, offer = _lock(ask.volunteer_id, offer.volunteer_id, shift_id=offer.shift_id, offer_id=offer.pk)
    ask = SwapAsk.objects.get(pk=ask.pk)
    _check_answerable(ask, offer)
    new = _hand_over(offer, shift, ask.volunteer_id, by=by, now=now)
    _taken(offer, ask, new, now=now, by=by)
    return new


@transaction.atomic
def _skip(ask: SwapAsk, rule: str, *, by, now) -> None:
    offer = SwapOffer.objects.select_for_update().select_related("shift").get(pk=ask.offer_id)
    ask = SwapAsk.objects.get(pk=ask.pk)
    if offer.status != SwapOffer.Status.OPEN or ask.status not in (SwapAsk.Status.ASKED, SwapAsk.Status.EXPIRED):
        return
    was = ask.status
    ask.status, ask.skipped_rule, ask.answered_at = SwapAsk.Status.SKIPPED, rule, now
    ask.save(update_fields=["status", "skipped_rule", "answered_at"])
    audit(AuditLog.Action.CHANGE, ask, user=by, changes={"status": [was, "skipped"], "rule": rule})
    if was == SwapAsk.Status.ASKED:
        _ask_next(offer, now=now, by=by)


@transaction.atomic
def decline(ask: SwapAsk, *, by=None, now=None) -> None:
    """The candidate says no: the next one is asked at once (when they were the one being asked)."""
    now = now or timezone.now()
    offer = SwapOffer.objects.select_for_update().select_related("shift").get(pk=ask.offer_id)
    ask = SwapAsk.objects.get(pk=ask.pk)
    _check_answerable(ask, offer)
    was = ask.status
    ask.status, ask.answered_at = SwapAsk.Status.DECLINED, now
    ask.save(update_fields=["status", "answered_at"])
    audit(AuditLog.Action.CHANGE, ask, user=by, changes={"status": [was, "declined"]})
    if was == SwapAsk.Status.ASKED:
        _ask_next(offer, now=now, by=by)


@transaction.atomic
def withdraw(offer: SwapOffer, *, by=None, now=None) -> None:
    """The volunteer will come after all: nobody else is asked."""
    offer = SwapOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != SwapOffer.Status.OPEN:
        raise SwapRefusal(_("This offer is already closed."), code="swap_closed")
    _close(offer, SwapOffer.Status.WITHDRAWN, now=now or timezone.now(), by=by)


@transaction.atomic
def stop(offer: SwapOffer, *, by, now=None) -> None:
    """The coordinator stops the search; the volunteer is told they are still expected."""
    offer = SwapOffer.objects.select_for_update().select_related("shift__location", "volunteer").get(pk=offer.pk)
    if offer.status != SwapOffer.Status.OPEN:
        raise SwapRefusal(_("This offer is already closed."), code="swap_closed")
    _close(offer, SwapOffer.Status.STOPPED, now=now or timezone.now(), by=by)
    swap_notices.tell_offerer(offer, "stopped")


@transaction.atomic
def pick(offer: SwapOffer, volunteer: Volunteer, *, by, now=None) -> Assignment:
    """The coordinator gives the offered shift to a volunteer herself (on the list or not): the same
    checks and hand-over as a candidate's yes."""
    now = now or timezone.now()
    shift, offer = _lock(volunteer.pk, offer.volunteer_id, shift_id=offer.shift_id, offer_id=offer.pk)
    if offer.status != SwapOffer.Status.OPEN:
        raise SwapRefusal(_("This offer is already closed."), code="swap_closed")
    if volunteer.pk == offer.volunteer_id:
        raise SwapRefusal(_("This volunteer is the one who offered the shift."), code="swap_same_person")
    ask = offer.asks.filter(volunteer=volunteer).first()
    new = _hand_over(offer, shift, volunteer.pk, by=by, now=now)
    if ask is None:
        last = offer.asks.aggregate(last=Max("position"))["last"] or 0
        ask = SwapAsk.objects.create(offer=offer, volunteer=volunteer, position=last + 1, asked_at=now)
    _taken(offer, ask, new, now=now, by=by)
    return new


def advance(*, now=None) -> dict:
    """The periodic job: for each open offer, end it when its shift started, changed hands or was
    cancelled; when the candidate's time ran out, ask the next one. Each offer in its own transaction,
    under its lock, so two runs at once do each step once."""
    now = now or timezone.now()
    done = {"asked": 0, "ended": 0, "nobody": 0}
    for offer_id in SwapOffer.objects.filter(status=SwapOffer.Status.OPEN).values_list("pk", flat=True):
        with transaction.atomic():
            offer = (SwapOffer.objects.select_for_update().select_related("shift__location", "volunteer", "assignment")
                     .get(pk=offer_id))
            if offer.status != SwapOffer.Status.OPEN:
                continue
            shift = offer.shift
            if (shift.cancelled_at is not None or shift.starts_at <= now
                    or offer.assignment.status != Assignment.Status.CONFIRMED):
                _close(offer, SwapOffer.Status.ENDED, now=now)
                done["ended"] += 1
                continue
            current = offer.asks.filter(status=SwapAsk.Status.ASKED).first()
            if current is not None and current.answer_by > now:
                continue
            if current is not None:
                current.status = SwapAsk.Status.EXPIRED
                current.save(update_fields=["status"])
                audit(AuditLog.Action.CHANGE, current, changes={"status": ["asked", "expired"]})
            if _ask_next(offer, now=now) is None:
                done["nobody"] += 1
            else:
                done["asked"] += 1
    return done
