"""Scans a station decided offline, recorded when the network is back (POST /api/v1/scans/batch).

Each queued scan comes with its original request id, the time it was made (`made_at`) and what the
station answered (`answered`: "collected" when it handed over, else the refusal it gave). It goes
through the scan's own pieces (`read_for_scan`, `scan_refusal`, the basket, the collection, the
ledger) and the same answers once per (user, request id), with the online scan's fingerprint: a
request the server recorded before the station gave up waiting gets that first answer back, and a
replayed batch records nothing new.

* Answered green offline, and the server agrees: a normal collection, at `made_at`.
* Answered green offline, and the server would have refused (another table, also offline, handed out
  to the household first; a card revoked after the manifest was taken…): the goods left the hall all
  the same. An `OfflineHandout` records it with the server's reason (for a double: the collection
  that stands), the stock ledger takes the basket out, the scan is `offline_handout`, and the
  coordinator follows it up (`selectors.offline.offline_conflicts`). "One collection per household
  per day" is untouched. When the stock shows less than was handed out, nothing is taken out and the
  hand-out says so (`stock_taken` false): a stock-take puts the shelves and the ledger level again.
* Answered green offline under a request id the server had answered online with a refusal the
  station never heard (it gave up waiting): the goods left the hall, so the stored scan becomes the
  hand-out (or the collection, when the refusal no longer holds) rather than the refusal being
  replayed and the hand-out lost (`_convert_stored_refusal`).
* Answered red offline: nothing left the hall; the scan is recorded with the server's refusal (or the
  station's, when the server would have handed over: its manifest was behind).
"""

from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import idempotency, offline
from core.audit import audit
from core.db import rows
from core.models import AuditLog
from core.scanning import StationAnswer, display
from inventory.services import InsufficientStock, take_out
from inventory.services.kits import keep_kit_contents

from ..models import AuthorisedCollector, OfflineHandout, Scan
from ..selectors.scan import read_for_scan
from .scans import (
    COLLECTION_DOCUMENT,
    DO_NOT_GIVE,
    Outcome,
    ScanRequestError,
    _already_collected,
    _body,
    _collect,
    _earlier_collection,
    _mask,
    _refusal,
    answers,
    basket_of_card,
    scan_refusal,
)

OFFLINE_HANDOUT_DOCUMENT = "distribution.offline_handout"  # document_type of its stock movements


def _check_made_at(day, made_at, now) -> None:
    day_start = timezone.make_aware(datetime.combine(day.date, time.min))
    if not offline.made_at_in_range(made_at, earliest=day_start, now=now):
        raise ScanRequestError(
            _("The time the scan was made (%(at)s) is not on this distribution day or is in the future: check "
              "the station's clock.") % {"at": timezone.localtime(made_at).strftime("%d/%m/%Y %H:%M")},
            code="made_at_out_of_range")


def _collector(collector_id, card):
    if not collector_id:
        return None
    collector = AuthorisedCollector.objects.filter(pk=collector_id, household_id=card.household_id,
                                                   is_active=True).first()
    if collector is None:
        raise ScanRequestError(_("This person is not an authorised collector of the household."),
                               code="not_a_collector")
    return collector


def _take_out(day, basket, *, by, document_type, document_id) -> bool:
    """Take the basket out of the day's stock; False (nothing written) when the stock shows too little."""
    try:
        with transaction.atomic():
            take_out(location=day.location, lines=[(line.item, line.quantity) for line in basket], by=by,
                     document_type=document_type, document_id=document_id)
            keep_kit_contents([line.item for line in basket], document_type=document_type, document_id=document_id)
    except InsufficientStock:
        return False
    return True


def _handout(day, rules, card, refusal, *, station, by, made_at, request_id, fingerprint, stored=None) -> StationAnswer:
    outcome, message, extra = refusal
    basket = basket_of_card(rules, card)
    earlier = _earlier_collection(extra["collection_id"]) if outcome == Outcome.ALREADY_COLLECTED else None
    if earlier is not None:
        who = earlier.by.get_full_name() or earlier.by.get_username()
        message = _("Handed out offline, but the household had already collected at %(station)s, %(time)s, by "
                    "%(user)s: recorded as an offline double collection for the coordinator.") % {
            "station": earlier.station, "time": timezone.localtime(earlier.at).strftime("%H:%M"), "user": who}
    else:
        message = _("Handed out offline, but the server refuses it: %(reason)s Recorded for the coordinator.") % {
            "reason": message}
    shown = display("warn", _("Handed out offline: to follow up"), [message], action=DO_NOT_GIVE)
    body = _body(Outcome.OFFLINE_HANDOUT, message, card=card, basket=basket, collection=earlier, display=shown)
    if stored is None:
        scan = Scan(request_id=request_id, request_fingerprint=fingerprint, day=day, station=station, at=made_at,
                    by=by, outcome=Outcome.OFFLINE_HANDOUT, card=card, http_status=201, answer=body)
        rows.insert(scan)
    else:  # the stored online refusal becomes the hand-out (_convert_stored_refusal)
        scan = stored
        scan.outcome, scan.http_status, scan.answer, scan.at = Outcome.OFFLINE_HANDOUT, 201, body, made_at
        scan.save(update_fields=["outcome", "http_status", "answer", "at"])
    handout = OfflineHandout.objects.create(
        day=day, household_id=card.household_id, card=card, scan=scan, reason=outcome, collection=earlier,
        station=station, at=made_at, by=by, household_size=card.member_count,
        basket=[{"item": line.item.pk, "name": line.item.name, "quantity": str(line.quantity),
                 "unit": line.item.unit} for line in basket])
    if not _take_out(day, basket, by=by, document_type=OFFLINE_HANDOUT_DOCUMENT, document_id=handout.pk):
        OfflineHandout.objects.filter(pk=handout.pk).update(stock_taken=False)
    audit(AuditLog.Action.CREATE, handout, user=by,
          changes={"reason": str(outcome), "station": station, "collection": earlier.pk if earlier else None})
    return StationAnswer(201, body)


def _offline_answer(*, day_id, code, station, request_id, by, fingerprint, made_at, answered, collector_id,
                    id_checked) -> StationAnswer:
    now = timezone.now()
    read = read_for_scan(day_id, code)
    if read is None:
        raise ScanRequestError(_("There is no such distribution day."), status=404, code="day_not_found")
    day, rules, card = read.day, read.rules, read.card
    _check_made_at(day, made_at, now)
    refusal = scan_refusal(day, card, timezone.localdate(made_at))
    if answered == Outcome.COLLECTED and card is not None:
        if refusal is not None:
            return _handout(day, rules, card, refusal, station=station, by=by, made_at=made_at,
                            request_id=request_id, fingerprint=fingerprint)
        status, body, collection = _collect(day, rules, card, station=station, by=by,
                                            collector=_collector(collector_id, card), id_checked=id_checked,
                                            now=made_at)
        rows.insert(Scan(request_id=request_id, request_fingerprint=fingerprint, day=day, station=station, at=made_at,
                         by=by, outcome=Outcome.COLLECTED, card=card, collection=collection, http_status=status,
                         answer=body))
        if not _take_out(day, collection.basket_lines, by=by, document_type=COLLECTION_DOCUMENT,
                         document_id=collection.pk):
            # The goods are gone from the hall: the collection stands; the coordinator sees the shortage
            # in check_stock's terms at the next stock-take (the ledger cannot go below zero).
            audit(AuditLog.Action.CHANGE, collection, user=by, changes={"stock_taken": False})
        return StationAnswer(status, body)
    # Answered red at the station: nothing left the hall.
    if refusal is not None and refusal[0] == Outcome.ALREADY_COLLECTED:
        status, body = _already_collected(card, refusal[2]["collection_id"])
        outcome = Outcome.ALREADY_COLLECTED
    elif refusal is not None:
        outcome = refusal[0]
        status, body = _refusal(outcome, refusal[1], card=card)
    else:
        outcome = answered if answered in Outcome.values else Outcome.UNKNOWN_CARD
        status, body = _refusal(outcome, Outcome(outcome).label, card=card)
    rows.insert(Scan(request_id=request_id, request_fingerprint=fingerprint, day=day, station=station, at=made_at,
                     by=by, outcome=outcome, card=card, code_hint="" if card is not None else _mask(code),
                     http_status=status, answer=body))
    return StationAnswer(status, body)


def _convert_stored_refusal(*, day_id, code, station, request_id, by, fingerprint, made_at, collector_id,
                            id_checked) -> StationAnswer | None:
    """The server answered this request id with a refusal the station never heard (it gave up waiting),
    and the station, deciding alone, handed the basket over: the goods left the hall. The stored Scan
    becomes what the server records for a green offline scan now: the collection (the refusal no
    longer holds: out of stock a moment ago…) or the offline hand-out, with the goods out of stock.
    Once: it is then a collection or a hand-out, which a replay gets back. None: nothing to convert
    (no stored answer, another body, a success, an unknown card: the usual path answers)."""
    with transaction.atomic():
        stored = (Scan.objects.select_for_update().filter(by=by, request_id=request_id,
                                                          request_fingerprint=fingerprint, card__isnull=False,
                                                          http_status__gte=400).first())
        if stored is None or idempotency.expired(stored.at):
            return None
        read = read_for_scan(day_id, code)
        if read is None or read.card is None or read.card.pk != stored.card_id:
            return None
        day, rules, card = read.day, read.rules, read.card
        _check_made_at(day, made_at, timezone.now())
        refusal = scan_refusal(day, card, timezone.localdate(made_at))
        if refusal is not None:
            return _handout(day, rules, card, refusal, station=station, by=by, made_at=made_at,
                            request_id=request_id, fingerprint=fingerprint, stored=stored)
        status, body, collection = _collect(day, rules, card, station=station, by=by,
                                            collector=_collector(collector_id, card), id_checked=id_checked,
                                            now=made_at)
        stored.outcome, stored.collection, stored.http_status, stored.answer, stored.at = (
            Outcome.COLLECTED, collection, status, body, made_at)
        stored.save(update_fields=["outcome", "collection", "http_status", "answer", "at"])
        if not _take_out(day, collection.basket_lines, by=by, document_type=COLLECTION_DOCUMENT,
                         document_id=collection.pk):
            audit(AuditLog.Action.CHANGE, collection, user=by, changes={"stock_taken": False})
        return StationAnswer(status, body)


def record_offline_scan(*, day_id, code, station, request_id, by, made_at, answered=Outcome.COLLECTED,
                        collector_id=None, id_checked=False) -> StationAnswer:
    """Record one scan decided offline (see the module docstring). Raises ScanRequestError (404/422)."""
    station = (station or "").strip()[:60]
    # The online scan's fingerprint: the same request, whether the server or the station answered it.
    fingerprint = idempotency.fingerprint(day_id, code, station, collector_id or None, bool(id_checked))

    for _attempt in range(3 if answered == Outcome.COLLECTED else 0):
        try:
            converted = _convert_stored_refusal(day_id=day_id, code=code, station=station, request_id=request_id,
                                                by=by, fingerprint=fingerprint, made_at=made_at,
                                                collector_id=collector_id, id_checked=id_checked)
        except IntegrityError:  # another table collected for the household at this moment: decide again
            continue
        if converted is not None:
            return converted
        break

    def act() -> StationAnswer:
        with transaction.atomic():
            return _offline_answer(day_id=day_id, code=code, station=station, request_id=request_id, by=by,
                                   fingerprint=fingerprint, made_at=made_at, answered=answered,
                                   collector_id=collector_id, id_checked=id_checked)

    return answers.answer_once(act, request_id=request_id, by=by, fingerprint=fingerprint, look_first=True)
