"""The scan: the right basket to the right household, once.

`record_scan(...)` is the one entry point (API and station page). Exactly once rests on three things:

* the collection and its stock movements are written in ONE transaction (take_out runs inside it);
* the partial unique constraint (household, day) on collections not cancelled: when two tables
  scan the same card at the same moment, the second INSERT waits for the first transaction and
  then fails; the scan is then answered again from scratch and sees "already collected";
* the unique (user, `request_id`) of every Scan: a retry of a request already answered fails on that
  index (rolling back anything it did) and gets the stored answer back, recording nothing new; the
  same id with another body (another card, day, table, collector) gets 422 `request_id_reused` and
  records nothing either (core.idempotency.RequestAnswers, shared with the door's ticket check-in:
  the fingerprint, the retention window).

The happy path costs 4 SQL statements on PostgreSQL (6 on SQLite), written as plain, prepared SQL
(core.db.rows), and one more on PostgreSQL when the programme has a monthly limit (the household's lock,
`_lock_if_limited`): the card with everything about its household and the day's row (1; the day's plan is
kept a few seconds per process, selectors.scan.read_for_scan, and read again when it changed: one
more), the collection INSERT (1), the Scan INSERT (1), take_out last (1 on PostgreSQL: lock, allocate,
update the levels and insert the ledger rows; 3 on SQLite): the stock rows all tables share are
locked only for the last moments of the transaction. An authorised collector adds one (their
name). Refusals record a Scan too (who tried which card when, at which table).
"""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from core import idempotency
from core.db import rows
from core.problems import problem_body
from core.refusals import Refusal
from core.scanning import StationAnswer, display
from inventory.services import InsufficientStock, take_out
from inventory.services.kits import keep_kit_contents

from ..locks import lock_household
from ..models import AuthorisedCollector, Card, Collection, DistributionDay, Household, Scan
from ..selectors.baskets import NEEDS_COLUMN, basket_for, basket_totals, member_rule_key, needs_from_text
from ..selectors.days import COLLECTION_DOCUMENT, next_enrolment_start
from ..selectors.scan import read_for_scan

Outcome = Scan.Outcome
HTTP_STATUS = {Outcome.COLLECTED: 201, Outcome.ALREADY_COLLECTED: 409}
REFUSAL_STATUS = 422


class ScanRequestError(Refusal):
    """The request names what does not exist (no such day: 404) or may not be (not an authorised
    collector: 422): nothing recorded, nothing stored under the request id."""

    code = "unprocessable"
    status = 422


class _OutOfStock(Exception):
    def __init__(self, shortages):
        self.shortages = shortages


# The word the volunteer acts on, first on the station's answer.
GIVE = pgettext_lazy("scan station", "Give")
DO_NOT_GIVE = pgettext_lazy("scan station", "Do not give")

def _local_time(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


def _household_json(card: Card, collector=None) -> dict:
    return {
        "card_number": card.display_number,
        "first_name": card.reference_first_name or "",
        "size": card.member_count,
        "collector": collector.name if collector else None,
    }


def _size_text(size) -> str:
    return ngettext("household of %(n)s person", "household of %(n)s people", size) % {"n": size}


def _body(outcome, message, *, card=None, collector=None, basket=(), collection=None, display: dict) -> dict:
    """The scan's answer (`core.scanning.StationAnswer`'s body): outcome, message, display, and the
    household, basket and collection."""
    return {
        "outcome": str(outcome),
        "message": str(message),
        "household": _household_json(card, collector) if card is not None else None,
        "basket": [line.as_json() for line in basket],
        "collection": ({"id": collection.pk, "at": collection.at.isoformat(), "station": collection.station}
                       if collection is not None else None),
        "display": display,
    }


def _refusal(outcome, message, *, card=None, collection=None, headline=None, lines=()) -> tuple[int, dict]:
    shown = display("bad", headline or Outcome(outcome).label, [message, *lines], action=DO_NOT_GIVE)
    status = HTTP_STATUS.get(outcome, REFUSAL_STATUS)
    # A refusal is an error answer: problem details (core/problems.py) with the scan's members.
    return status, {**problem_body(status, code=str(outcome), message=message),
                    **_body(outcome, message, card=card, collection=collection, display=shown)}


def _mask(code: str) -> str:
    code = (code or "").strip()
    if len(code) <= 8:
        return code[:40]
    return f"{code[:4]}…{code[-2:]}"


def scan_refusal(day: DistributionDay, card: Card | None, today) -> tuple[str, str, dict] | None:
    """The refusal for this card on this day, or None when it may collect."""
    if card is None:
        return Outcome.UNKNOWN_CARD, _("Unknown card. Check the number, or search by name and check an ID."), {}
    if day.status != DistributionDay.Status.PLANNED:
        return Outcome.WRONG_DAY, _("This distribution day is %(status)s: no scanning.") % {
            "status": day.get_status_display().lower()}, {}
    if day.date != today:
        return Outcome.WRONG_DAY, _("This distribution day is on %(date)s, not today.") % {
            "date": formats.date_format(day.date, "SHORT_DATE_FORMAT")}, {}
    if card.status == Card.Status.REVOKED or card.household_status != Household.Status.ACTIVE:
        when = formats.date_format(timezone.localtime(card.revoked_at), "SHORT_DATE_FORMAT") if card.revoked_at else ""
        reason = card.get_revoke_reason_display() if card.revoke_reason else _("household no longer active")
        return Outcome.REVOKED_CARD, _("This card was revoked (%(reason)s) %(when)s. Do not hand over; "
                                       "send the person to the staff desk.") % {"reason": reason, "when": when}, {}
    if card.effective_status(today) == Card.Status.EXPIRED:
        return Outcome.EXPIRED_ELIGIBILITY, _("The card expired on %(date)s. Send the person to the staff desk "
                                              "for a new card.") % {
            "date": formats.date_format(card.valid_until, "SHORT_DATE_FORMAT")}, {}
    if card.collected_today_id:
        return Outcome.ALREADY_COLLECTED, "", {"collection_id": card.collected_today_id}
    if not card.enrolled_now:
        if card.eligible_until:
            return Outcome.EXPIRED_ELIGIBILITY, _("Eligibility for %(programme)s ended on %(date)s. Send the person "
                                                  "to the staff desk for renewal.") % {
                "programme": day.programme.name,
                "date": formats.date_format(card.eligible_until, "SHORT_DATE_FORMAT")}, {}
        # Only on this refusal (never on the way to a collection): is an enrolment still to begin?
        starts = next_enrolment_start(card.household_id, day.programme_id, after=day.date)
        if starts is not None:
            return Outcome.NOT_ENROLLED, _("The household is enrolled in %(programme)s from %(date)s, not yet on "
                                           "this day. Do not hand over; it may come from that date.") % {
                "programme": day.programme.name, "date": formats.date_format(starts, "SHORT_DATE_FORMAT")}, {}
        return Outcome.NOT_ENROLLED, _("The household is not enrolled in %(programme)s.") % {
            "programme": day.programme.name}, {}
    limit = day.programme.max_collections_per_month
    if limit and card.collections_this_month >= limit:
        return Outcome.LIMIT_REACHED, _("Limit reached: %(count)s of %(limit)s collections this month.") % {
            "count": card.collections_this_month, "limit": limit}, {}
    return None


def _earlier_collection(collection_id) -> Collection:
    """The collection with the user who recorded it (plain SQL: "already collected" is a common answer)."""
    quote = connection.ops.quote_name
    user_model = get_user_model()
    sql = (f"SELECT {rows.select_list(Collection, 'c')}, {rows.select_list(user_model, 'u')} "  # noqa: S608
           f"FROM {quote(Collection._meta.db_table)} c JOIN {quote(user_model._meta.db_table)} u ON u.id = c.by_id "
           f"WHERE c.id = %s")
    ((earlier, by),) = rows.fetch_joined((Collection, user_model), sql, [collection_id])
    earlier.by = by
    return earlier


def _already_collected(card, collection_id) -> tuple[int, dict]:
    earlier = _earlier_collection(collection_id)
    who = earlier.by.get_full_name() or earlier.by.get_username()
    message = already_collected_message(station=earlier.station, at=earlier.at, who=who)
    return _refusal(Outcome.ALREADY_COLLECTED, message, card=card, collection=earlier,
                    headline=_("Already collected"), lines=[])


def basket_of_card(rules, card: Card):
    """The basket of the card's household, from the per-member counts and the needs the scan's read put
    on the card (adapted to its needs by the day's substitutions)."""
    members = {rule.pk: getattr(card, member_rule_key(rule)) for rule in rules if hasattr(card, member_rule_key(rule))}
    return basket_for(rules, card.member_count, members, needs_from_text(getattr(card, NEEDS_COLUMN, None)))


def already_collected_message(*, station, at, who) -> str:
    return _("Already collected today at %(station)s, %(time)s, by %(user)s.") % {
        "station": station, "time": _local_time(at), "user": who}


def _collect(day, rules, card, *, station, by, collector, id_checked, now) -> tuple[int, dict, Collection]:
    basket = basket_of_card(rules, card)
    collection = Collection(
        day=day, household_id=card.household_id, card=card, collector=collector, station=station, at=now, by=by,
        household_size=card.member_count, id_checked=id_checked,
        basket=[{"item": line.item.pk, "name": line.item.name, "quantity": str(line.quantity),
                 "unit": line.item.unit} for line in basket],
        **basket_totals(basket),
    )
    rows.insert(collection)
    collection.basket_lines = basket
    name = card.reference_first_name or card.display_number
    lines = [line.text() for line in basket] or [_("Nothing in the basket for this household.")]
    if collector is not None:
        message = _("Authorised collector: %(collector)s. Household: %(name)s (%(size)s). Check their ID, then "
                    "hand over the basket.") % {"collector": collector.name, "name": name,
                                                "size": _size_text(card.member_count)}
        shown = display("warn", _("Collector: %(collector)s · household: %(name)s") % {
            "collector": collector.name, "name": name},
            [_("Authorised collector: check their ID"), _size_text(card.member_count), *lines], action=GIVE)
    else:
        message = _("Hand over the basket. Household: %(name)s (%(size)s).") % {
            "name": name, "size": _size_text(card.member_count)}
        extra = [] if card.matched_by == "token" or id_checked else [_("Card number typed: check an ID")]
        shown = display("ok", f"{name} · {_size_text(card.member_count)}", [*extra, *lines], action=GIVE)
    return 201, _body(Outcome.COLLECTED, message, card=card, collector=collector, basket=basket,
                      collection=collection, display=shown), collection


def _lock_if_limited(day, parsed) -> None:
    """A monthly limit counts the household's hand-outs and its collections on other days: lock the
    household (as the desk does) before reading them, so that a desk hand-out or a scan elsewhere at the
    same moment is either seen or waits. Without a limit the scan reads nothing another write could
    change unseen (this day's collection has its unique constraint), and takes no lock."""
    if parsed is not None and day.programme.max_collections_per_month:
        lock_household(code=parsed)


def _answer(*, day_id, code, station, request_id, by, fingerprint, collector_id, id_checked) -> StationAnswer:
    now = timezone.now()
    read = read_for_scan(day_id, code, before_card=_lock_if_limited)
    if read is None:
        raise ScanRequestError(_("There is no such distribution day."), status=404, code="day_not_found")
    day, rules, card = read.day, read.rules, read.card
    refusal = scan_refusal(day, card, timezone.localdate())
    collection = None
    if refusal is None:
        collector = None
        if collector_id:
            collector = AuthorisedCollector.objects.filter(pk=collector_id, household_id=card.household_id,
                                                           is_active=True).first()
            if collector is None:
                raise ScanRequestError(_("This person is not an authorised collector of the household."),
                                       code="not_a_collector")
        status, body, collection = _collect(day, rules, card, station=station, by=by, collector=collector,
                                            id_checked=id_checked, now=now)
        outcome = Outcome.COLLECTED
    else:
        outcome, message, extra = refusal
        if outcome == Outcome.ALREADY_COLLECTED:
            status, body = _already_collected(card, extra["collection_id"])
        else:
            status, body = _refusal(outcome, message, card=card)
    rows.insert(Scan(request_id=request_id, request_fingerprint=fingerprint, day=day, station=station, at=now, by=by,
                     outcome=outcome, card=card,
                     code_hint="" if card is not None else _mask(code), collection=collection,
                     http_status=status, answer=body))
    if collection is not None:
        # Last, so that the stock rows every table shares stay locked only until the commit.
        try:
            take_out(location=day.location, lines=[(line.item, line.quantity) for line in collection.basket_lines],
                     by=by, document_type=COLLECTION_DOCUMENT, document_id=collection.pk)
        except InsufficientStock as exc:
            raise _OutOfStock(exc.shortages) from None
        keep_kit_contents([line.item for line in collection.basket_lines], document_type=COLLECTION_DOCUMENT,
                          document_id=collection.pk)
    return StationAnswer(status, body)


def _out_of_stock(*, day_id, code, station, request_id, by, fingerprint, shortages) -> StationAnswer:
    read = read_for_scan(day_id, code)
    day, card = read.day, read.card
    details = "; ".join(f"{item.name}: {wanted.normalize()} / {available.normalize()}"
                        for item, wanted, available in shortages)
    message = _("Not enough stock for this basket (wanted / available): %(details)s. Call the coordinator.") % {
        "details": details}
    status, body = _refusal(Outcome.OUT_OF_STOCK, message, card=card)
    Scan.objects.create(request_id=request_id, request_fingerprint=fingerprint, day=day, station=station,
                        at=timezone.now(), by=by,
                        outcome=Outcome.OUT_OF_STOCK, card=card, http_status=status, answer=body)
    return StationAnswer(status, body)


def _reused() -> StationAnswer:
    message = str(idempotency.REUSED_MESSAGE)
    body = {**problem_body(REFUSAL_STATUS, code=idempotency.REUSED_CODE, message=message),
            **_body(idempotency.REUSED_CODE, message,
                    display=display("bad", idempotency.REUSED_HEADLINE, [message], action=DO_NOT_GIVE))}
    return StationAnswer(REFUSAL_STATUS, body)


# Each Scan row keeps the answer to its request id; forgetting an id keeps the scan.
answers = idempotency.RequestAnswers(Scan, "answer", _reused, keep_rows=True)
purge_request_ids = answers.purge


def record_scan(*, day_id, code, station, request_id, by, collector_id=None, id_checked=False) -> StationAnswer:
    """Answer a scan and record it (see the module docstring). Raises ScanRequestError (HTTP 404/422)."""
    station = (station or "").strip()[:60]
    fingerprint = idempotency.fingerprint(day_id, code, station, collector_id or None, bool(id_checked))
    arguments = {"day_id": day_id, "code": code, "station": station, "request_id": request_id, "by": by,
                 "fingerprint": fingerprint}

    def act() -> StationAnswer:
        # An IntegrityError (this request id answered already, or another table collected for this
        # household a moment ago) gets the stored answer, or (next attempt) "already collected".
        try:
            with transaction.atomic():
                return _answer(**arguments, collector_id=collector_id, id_checked=id_checked)
        except _OutOfStock as exc:
            with transaction.atomic():
                return _out_of_stock(**arguments, shortages=exc.shortages)

    return answers.answer_once(act, request_id=request_id, by=by, fingerprint=fingerprint)
