"""Hand-outs outside a distribution day: the desk's answer (the station's, for a household) and the
one write, `record_handout`; `record_delivery` when a home delivery arrived.

The answer for a registered household is the station's: `services.scans.scan_refusal` over the
station's columns (`selectors.scan.card_columns`) on a day-shaped stand-in for today at the desk's
location (`selectors.handouts.context_day`). Added for the desk: "received goods today" in the
programme (a collection on a day dated today or a hand-out today) and the warning of the last goods
received. The programme's rules (how often, who is enrolled) are overridden only with a written reason,
recorded on the hand-out and in the audit log; an unknown or revoked card and a household no longer
active are never overridden.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import idempotency
from core.audit import audit
from core.models import AuditLog
from core.problems import problem_body
from core.scanning import StationAnswer, display
from inventory.models import StockMovement
from inventory.selectors import with_kit_bills
from inventory.services import reverse_movements, take_out
from inventory.services.kits import keep_kit_contents

from ..locks import lock_household
from ..models import Card, Handout, Household
from ..models.handouts import AGE_GROUPS, HANDOUT_DOCUMENT, OVERRIDABLE
from ..selectors import handouts as reads
from ..selectors.baskets import BasketLine, basket_totals
from . import DistributionError
from .scans import DO_NOT_GIVE, GIVE, Outcome, scan_refusal

HARD_REFUSAL_HINT = _("Do not hand over to this household; you may record the hand-out anonymously.")


class HandoutRefused(DistributionError):
    """The programme's rules refuse the hand-out: `refusals` [(code, message)]; `overridable` when a
    written reason may override them all."""

    code = "handout_refused"

    def __init__(self, refusals, *, overridable):
        self.refusals, self.overridable = list(refusals), overridable
        text = " ".join(message for _code, message in self.refusals)
        if overridable:
            text += " " + _("To hand out anyway, write why (the reason is recorded).")
        super().__init__(text, code=self.refusals[0][0])


class BadHandout(DistributionError):
    """The request cannot be carried out as sent (a quantity, a count, a missing reason): nothing written."""

    code = "bad_handout"
    status = 422


@dataclass
class DeskAnswer:
    """The station's answer for a household at the desk: who, what, refusals and warnings."""

    household: Household
    card: Card
    size: int
    first_name: str
    refusals: list = field(default_factory=list)  # [(code, message)]
    warnings: list = field(default_factory=list)
    basket: list = field(default_factory=list)

    @property
    def hard(self) -> bool:
        return any(code not in OVERRIDABLE for code, _message in self.refusals)

    @property
    def display(self) -> dict:
        headline = f"{self.first_name or self.card.display_number} · " + ngettext(
            "household of %(n)s person", "household of %(n)s people", self.size) % {"n": self.size}
        lines = [line.text() for line in self.basket]
        if self.refusals:
            return display("bad", headline, [m for _c, m in self.refusals] + self.warnings + lines,
                           action=DO_NOT_GIVE)
        return display("warn" if self.warnings else "ok", headline, self.warnings + lines, action=GIVE)


def _received_text(received) -> str:
    return _("%(when)s at %(where)s, by %(user)s") % {
        "when": formats.date_format(timezone.localtime(received.at), "SHORT_DATETIME_FORMAT"),
        "where": received.where, "user": received.by.get_full_name() or received.by.get_username()}


def desk_answer(*, household: Household, programme, location, card: Card | None = None, today=None) -> DeskAnswer:
    """The station's answer for `household` at the desk today (`card`: the card scanned, if one was)."""
    today = today or timezone.localdate()
    day = reads.context_day(programme, location, today)
    facts = reads.household_facts(household.pk, day)
    shown = card if card is not None else (reads.active_card(household.pk) or Card(household=household,
                                                                                  status=Card.Status.HANDED_OVER))
    for name, value in facts.items():
        setattr(shown, name, value)
    shown.collected_today_id = None
    shown.household_status = household.status
    if not getattr(shown, "matched_by", None):
        shown.matched_by = "token"
    answer = DeskAnswer(household=household, card=shown, size=facts.get("member_count", 0),
                        first_name=facts.get("reference_first_name") or "")
    refusal = scan_refusal(day, shown, today)
    if refusal is not None:
        answer.refusals.append((str(refusal[0]), refusal[1]))
    if programme.once_per_distribution_day:
        today_received = reads.received_today(household.pk, programme.pk, today)
        if today_received is not None:
            answer.refusals.insert(0, (str(Outcome.ALREADY_COLLECTED), _(
                "Already received goods of %(programme)s today: %(when)s.") % {
                "programme": programme.name, "when": _received_text(today_received)}))
    limit = programme.max_collections_per_month
    codes = {code for code, _m in answer.refusals}
    if limit and shown.collections_this_month >= limit and str(Outcome.LIMIT_REACHED) not in codes:
        answer.refusals.append((str(Outcome.LIMIT_REACHED), _(
            "Limit reached: %(count)s of %(limit)s collections this month.") % {
            "count": shown.collections_this_month, "limit": limit}))
    last = reads.last_received(household.pk)
    if last is not None:
        days_ago = (today - last.on).days
        if days_ago == 0:
            answer.warnings.append(_("Received goods today: %(when)s.") % {"when": _received_text(last)})
        else:
            answer.warnings.append(ngettext(
                "Received goods %(n)s day ago: %(when)s.", "Received goods %(n)s days ago: %(when)s.",
                days_ago) % {"n": days_ago, "when": _received_text(last)})
    if answer.hard:
        answer.warnings.append(HARD_REFUSAL_HINT)
    answer.basket = reads.proposed_basket(programme, location, today, household=household)
    return answer


def _lines(lines) -> list[BasketLine]:
    """(item, quantity) pairs as basket lines, the same item added up; every quantity above zero."""
    merged: dict[int, BasketLine] = {}
    for item, quantity in lines:
        try:
            quantity = Decimal(str(quantity))
        except (InvalidOperation, ValueError):
            raise BadHandout(_("Enter a number for each quantity."), code="bad_quantity") from None
        if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(Decimal("0.001")) \
                or quantity >= Decimal("1000000"):
            raise BadHandout(_("Each quantity must be a positive number with at most 3 decimals."),
                                    code="bad_quantity")
        if not item.is_active:
            raise BadHandout(_("%(item)s is no longer in use.") % {"item": item.name}, code="inactive_item")
        merged.setdefault(item.pk, BasketLine(item, Decimal("0"))).quantity += quantity
    if not merged:
        raise BadHandout(_("Add at least one item to hand out."), code="empty_basket")
    with_kit_bills(line.item for line in merged.values())  # a kit's totals are its contents'
    return list(merged.values())


def _groups(groups, people) -> dict:
    groups = {name: int(groups.get(name) or 0) for name in [*(n for n, _l in AGE_GROUPS), "women", "men"]}
    if any(value < 0 for value in groups.values()):
        raise BadHandout(_("A count of people cannot be negative."), code="bad_groups")
    if sum(groups[name] for name, _label in AGE_GROUPS) > people:
        raise BadHandout(_("The age groups add up to more than the number of people."), code="bad_groups")
    if groups["women"] + groups["men"] > people:
        raise BadHandout(_("Women and men add up to more than the number of people."), code="bad_groups")
    return groups


@transaction.atomic
def record_handout(*, by, location, kind, lines, household: Household | None = None, programme=None,
                   card: Card | None = None, people: int | None = None, reason: str = "", groups=None,
                   override_reason: str = "", delivered_by=None, request_id=None, fingerprint: str = "") -> Handout:
    """Record a hand-out and take its goods out of stock at `location`, earliest expiry first.

    To a household (`household`, under `programme`; `card` when one was scanned): the station's answer
    decides; refusals of the programme's rules need `override_reason`. Anonymous (no household): a
    `reason`, `people` and optionally `groups` {aged_under_18, aged_18_29, aged_30_64, aged_65_up, women,
    men}. Raises DistributionError (HandoutRefused for the rules; InsufficientStock, nothing written).
    `request_id`, `fingerprint`: the API's request id (`record_handout_once`), kept on the hand-out."""
    if kind not in Handout.Kind.values:
        raise BadHandout(_("Choose the kind of hand-out."), code="bad_kind")
    if delivered_by is not None and kind != Handout.Kind.HOME_DELIVERY:
        raise BadHandout(_("Only a home delivery has someone who takes it."), code="not_a_delivery")
    basket = _lines(lines)
    reason, override_reason = (reason or "").strip()[:300], (override_reason or "").strip()[:300]
    now = timezone.now()
    handout = Handout(kind=kind, location=location, date=timezone.localdate(now), at=now, by=by, reason=reason,
                      delivered_by=delivered_by, request_id=request_id, request_fingerprint=fingerprint,
                      basket=[{"item": line.item.pk, "name": line.item.name, "quantity": str(line.quantity),
                               "unit": line.item.unit} for line in basket],
                      **basket_totals(basket))
    overridden = []
    if household is not None:
        if programme is None:
            raise BadHandout(_("Choose the programme the hand-out is under."), code="no_programme")
        if card is not None and card.household_id != household.pk:
            raise BadHandout(_("This card belongs to another household."), code="wrong_card")
        # One desk (or scan under a monthly limit) at a time per household: the rules read below stay
        # true until the commit.
        lock_household(household.pk)
        if request_id is not None and Handout.objects.filter(by=by, request_id=request_id).exists():
            # The same request sent twice at once: the other one, waited for above, recorded it.
            raise _Answered(request_id)
        household = Household.objects.get(pk=household.pk)
        answer = desk_answer(household=household, programme=programme, location=location, card=card)
        if answer.hard:
            raise HandoutRefused([r for r in answer.refusals if r[0] not in OVERRIDABLE], overridable=False)
        if answer.refusals and not override_reason:
            raise HandoutRefused(answer.refusals, overridable=True)
        overridden = [code for code, _message in answer.refusals]
        handout.household, handout.programme, handout.card = household, programme, card
        handout.people = answer.size or 1
        if overridden:
            handout.override_code, handout.override_reason = overridden[0], override_reason
    else:
        if card is not None:
            raise BadHandout(_("An anonymous hand-out has no card."), code="anonymous_card")
        if not reason:
            raise BadHandout(_("Say why the goods are given (no names)."), code="no_reason", field="reason")
        try:
            people = int(people or 0)
        except (TypeError, ValueError):
            people = 0
        if not 1 <= people <= 99:
            raise BadHandout(_("Enter the number of people, from 1 to 99."), code="bad_people",
                                    field="people")
        handout.programme, handout.people = programme, people
        for name, value in _groups(groups or {}, people).items():
            setattr(handout, name, value)
    handout.save()
    take_out(location=location, lines=[(line.item, line.quantity) for line in basket], by=by,
             document_type=HANDOUT_DOCUMENT, document_id=handout.pk)
    keep_kit_contents([line.item for line in basket], document_type=HANDOUT_DOCUMENT, document_id=handout.pk)
    changes = {"kind": [None, kind], "people": [None, handout.people], "lines": [None, len(basket)],
               "anonymous": [None, household is None]}
    if overridden:
        changes["overridden"] = [None, overridden]
    audit(AuditLog.Action.CREATE, handout, user=by, changes=changes)
    return handout


class _Answered(IntegrityError):
    """The request id was answered while this request waited: `answer_once` gives the stored answer."""


def _reused() -> StationAnswer:
    return StationAnswer(422, problem_body(422, code=idempotency.REUSED_CODE,
                                           message=str(idempotency.REUSED_MESSAGE)))


# The answer is kept on the hand-out itself: forgetting an id clears it and keeps the hand-out.
answers = idempotency.RequestAnswers(Handout, "answer", _reused, keep_rows=True)
purge_request_ids = answers.purge


def record_handout_once(*, request_id, by, fingerprint: str, answer, **fields) -> StationAnswer:
    """`record_handout` once per request id of the user `by`: a retry with the same id and the same
    request (`fingerprint` of its fields) gets the first answer again (200) and records nothing; the same
    id with another request, 422 `request_id_reused` (core.idempotency.RequestAnswers). A refusal records
    nothing and keeps nothing: the id may be sent again. `answer(handout)` makes the answer's body."""

    if request_id is None:
        return StationAnswer(201, answer(record_handout(by=by, **fields)))

    def act() -> StationAnswer:
        with transaction.atomic():
            handout = record_handout(by=by, request_id=request_id, fingerprint=fingerprint, **fields)
            handout.answer = answer(handout)
            handout.save(update_fields=["answer"])
        return StationAnswer(201, handout.answer)

    return answers.answer_once(act, request_id=request_id, by=by, fingerprint=fingerprint, look_first=True)


@transaction.atomic
def record_delivery(handout: Handout, *, by, delivered_by, delivered_at=None) -> Handout:
    """A home delivery arrived: who took it and when (not before it was recorded, not in the future)."""
    handout = Handout.objects.select_for_update().get(pk=handout.pk)
    if handout.kind != Handout.Kind.HOME_DELIVERY:
        raise BadHandout(_("Only a home delivery is delivered."), code="not_a_delivery")
    delivered_at = delivered_at or timezone.now()
    if delivered_at < handout.at or delivered_at > timezone.now():
        raise BadHandout(_("The delivery time must be between the hand-out and now."),
                                code="bad_delivery_time", field="delivered_at")
    before = [handout.delivered_by_id, handout.delivered_at.isoformat() if handout.delivered_at else None]
    handout.delivered_by, handout.delivered_at = delivered_by, delivered_at
    handout.save(update_fields=["delivered_by", "delivered_at"])
    audit(AuditLog.Action.CHANGE, handout, user=by, changes={
        "delivered_by": [before[0], delivered_by.pk], "delivered_at": [before[1], delivered_at.isoformat()]})
    return handout


@transaction.atomic
def cancel_handout(handout: Handout, *, reason: str, by) -> Handout:
    """Cancel a hand-out recorded by mistake: its goods go back to stock with correcting movements; it
    stays, marked cancelled, and counts nowhere (limits, reports, figures)."""
    reason = (reason or "").strip()[:300]
    if not reason:
        raise BadHandout(_("Say why the hand-out is cancelled."), code="no_reason", field="reason")
    handout = Handout.objects.select_for_update().get(pk=handout.pk)
    if handout.cancelled_at is not None:
        raise DistributionError(_("This hand-out was already cancelled."), code="already_cancelled")
    movements = list(StockMovement.objects.filter(document_type=HANDOUT_DOCUMENT, document_key=handout.pk,
                                                  reverses__isnull=True, reversed_by__isnull=True,
                                                  reason=StockMovement.Reason.DISTRIBUTED))
    reverse_movements(movements, by=by, reason_text=_("Hand-out %(id)s cancelled: %(reason)s") % {
        "id": handout.pk, "reason": reason})
    handout.cancelled_at, handout.cancelled_by, handout.cancel_reason = timezone.now(), by, reason
    handout.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit(AuditLog.Action.CHANGE, handout, user=by,
          changes={"cancelled": [None, True], "returned_movements": [None, len(movements)]})
    return handout
