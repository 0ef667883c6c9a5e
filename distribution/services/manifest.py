"""The day's manifest: what a scan station needs to decide alone when the network drops.

For every card that may come to the day (the cards of the households ever enrolled in its programme)
an entry with the card number, a keyed hash of its token, and what the scan would answer: the refusal
(`services.scans.scan_refusal` over the same columns the scan reads, `selectors.scan.card_columns`:
no rule is written a second time), or the household's first name, size, authorised collectors and
basket, and whether it already collected today (where, when, by whom).

* Keys change per day (`core.offline`, shared with the event door): the day's key is
  `HMAC-SHA256(SECRET_KEY, "kypseli-manifest:<day id>:<salt>")`, the salt random per day
  (`DistributionDay.manifest_salt`). An entry's `k` is the first 16 bytes of
  `HMAC-SHA256(key, hex SHA-256 of the token)`, base64url: the station hashes what it reads the same
  way (Web Crypto). The manifest holds no token and no token hash that the server stores, so it
  yields no usable card, and a key is worth nothing on another day.
* Versions (`core.offline.window`): `since=<a version>` answers only the entries that may have
  changed after it (collections made, synchronised or cancelled on the day, cards issued or revoked,
  households changed, enrolments and collectors added), looking back `OVERLAP` more, and `removed`:
  the card numbers of changed cards that are no longer in it. A change of the day itself (its plan,
  status or date), a version older than `DELTA_HOURS` or from the future answers the whole manifest
  (`full: true`).
"""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import offline
from core.audit import audit
from core.models import AuditLog

from ..models import AuthorisedCollector, Card, Collection, DistributionDay, Enrolment, Handout
from ..selectors.scan import cards_of_day, day_plan
from .scans import Outcome, ScanRequestError, already_collected_message, basket_of_card, scan_refusal

# The keys, versions and deltas are core.offline's, shared with the event door's ticket manifest.
OVERLAP = offline.OVERLAP
DELTA_HOURS = offline.DELTA_HOURS
keyed_hash = offline.keyed_hash


def day_key(day: DistributionDay) -> bytes:
    """The day's own key (see the module docstring); draws the day's salt the first time."""
    if not day.manifest_salt:
        day.manifest_salt = offline.draw_salt(DistributionDay, day.pk)
    return offline.manifest_key("manifest", day.pk, day.manifest_salt)


def _changed_card_ids(day: DistributionDay, after: datetime) -> set[int]:
    """The cards whose entry may have changed after `after` (see the module docstring)."""
    households = set(Collection.objects.filter(day=day)
                     .filter(Q(at__gte=after) | Q(recorded_at__gte=after) | Q(cancelled_at__gte=after))
                     .values_list("household_id", flat=True))
    households |= set(Enrolment.objects.filter(programme_id=day.programme_id, created_at__gte=after)
                      .values_list("household_id", flat=True))
    households |= set(AuthorisedCollector.objects.filter(created_at__gte=after).values_list("household_id", flat=True))
    # A hand-out outside a day under the programme (or its cancelling) moves the household's monthly count.
    households |= set(Handout.objects.filter(programme_id=day.programme_id, household__isnull=False)
                      .filter(Q(at__gte=after) | Q(cancelled_at__gte=after)).values_list("household_id", flat=True))
    return set(Card.objects.filter(
        Q(household_id__in=households) | Q(household__updated_at__gte=after) | Q(requested_at__gte=after)
        | Q(printed_at__gte=after) | Q(revoked_at__gte=after)).values_list("id", flat=True))


def _collected(day: DistributionDay, ids) -> dict[int, dict]:
    found = {}
    for row in (Collection.objects.filter(pk__in=ids).values("id", "station", "at", "by__first_name",
                                                            "by__last_name", "by__username")):
        who = f"{row['by__first_name']} {row['by__last_name']}".strip() or row["by__username"]
        found[row["id"]] = {"station": row["station"], "at": row["at"].isoformat(), "by": who,
                            "message": already_collected_message(station=row["station"], at=row["at"], who=who)}
    return found


def day_manifest(*, day_id, since=None, by=None) -> dict:
    """The day's manifest (or its changes after the version `since`). Raises ScanRequestError (404)."""
    now = timezone.now()
    day, rules = day_plan(day_id)
    if day is None:
        raise ScanRequestError(_("There is no such distribution day."), status=404, code="day_not_found")
    window = offline.window(since, owner_changed_at=day.updated_at, now=now)
    full = window.full
    changed = None if full else _changed_card_ids(day, window.after)
    cards = cards_of_day(day, rules, card_ids=changed) if changed is None or changed else []
    key = day_key(day)
    collected = _collected(day, [card.collected_today_id for card in cards if card.collected_today_id])
    collectors: dict[int, list[str]] = {}
    for household_id, name in (AuthorisedCollector.objects.filter(
            household_id__in={card.household_id for card in cards}, is_active=True)
            .order_by("name", "id").values_list("household_id", "name")):
        collectors.setdefault(household_id, []).append(name)
    baskets: list[list[dict]] = []
    basket_index: dict[tuple, int] = {}
    entries = []
    for card in cards:
        if not card.number:
            continue
        refusal = scan_refusal(day, card, day.date)
        entry = {"n": card.display_number, "k": keyed_hash(key, card.token_hash) if card.token_hash else None}
        if refusal is not None and refusal[0] != Outcome.ALREADY_COLLECTED:
            entry.update({"r": str(refusal[0]), "m": str(refusal[1])})
            entries.append(entry)
            continue
        basket = [line.as_json() for line in basket_of_card(rules, card)]
        signature = tuple((line["item"], line["quantity"], line["unit"]) for line in basket)
        if signature not in basket_index:
            basket_index[signature] = len(baskets)
            baskets.append(basket)
        entry.update({"f": card.reference_first_name or "", "s": card.member_count,
                      "c": collectors.get(card.household_id, []), "b": basket_index[signature]})
        if refusal is not None:  # already collected: where, when, by whom
            entry.update({"r": str(Outcome.ALREADY_COLLECTED), "x": collected.get(card.collected_today_id)})
        entries.append(entry)
    present = {entry["n"] for entry in entries}
    removed = sorted({card.display_number for card in Card.objects.filter(pk__in=changed or ()).exclude(
        number__isnull=True).only("number")} - present)
    if full:  # the whole list of the day's households; deltas (every few seconds) are not audited one by one
        audit(AuditLog.Action.EXPORT, day, user=by, changes={"manifest_entries": len(entries)})
    return {"day": day.pk, "date": day.date, "status": day.status, "version": window.version, "since": since,
            "full": full, "key": offline.key_text(key), "baskets": baskets,
            "entries": entries, "removed": removed}

