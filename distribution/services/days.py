"""Planning distribution days, time slots and notices, corrections of collections, closing a day."""

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.audit import audit, audited_save, snapshot
from core.messaging import build, first_phone, fit_sms, queue_messages
from core.models import AuditLog, Centre
from inventory.models import StockMovement
from inventory.services import reverse_movements

from ..locks import lock_day_plan
from ..models import BasketRule, Collection, DistributionDay, Person, SlotAssignment, TimeSlot
from ..models.days import ONE_DAY_PER_DATE_SITE_PROGRAMME
from ..selectors.days import COLLECTION_DOCUMENT, expected_households
from . import DistributionError

DAY_FIELDS = ["date", "location_id", "programme_id", "starts_at", "ends_at", "stations", "status", "notes"]
RULE_FIELDS = ["item_id", "basis", "quantity", "min_size", "max_size", "min_age", "max_age"]


@transaction.atomic
def save_day(day: DistributionDay, *, by) -> DistributionDay:
    day.full_clean()  # includes the rule of one day per date, site and programme, with its message
    if day.pk is None:
        day.created_by = by

    def save(_before):
        try:
            with transaction.atomic():
                day.save()
        except IntegrityError as exc:  # the same day saved at the same moment by another request
            if not DistributionDay.objects.exclude(pk=day.pk).exclude(status=DistributionDay.Status.CANCELLED).filter(
                    date=day.date, location_id=day.location_id, programme_id=day.programme_id).exists():
                raise
            raise ValidationError(ONE_DAY_PER_DATE_SITE_PROGRAMME) from exc

    audited_save(day, DAY_FIELDS, by=by, save=save)
    return day


@transaction.atomic
def set_basket(day: DistributionDay, rules: list[BasketRule], *, by) -> list[BasketRule]:
    """Replace the day's basket with `rules` (unsaved BasketRule objects)."""
    return replace_plan(day, "basket_rules", rules, RULE_FIELDS, key="basket", by=by)


def replace_plan(day: DistributionDay, related: str, rows: list, fields: list[str], *, key: str, by) -> list:
    """Replace one part of the day's plan, the rows of its reverse relation `related` (the basket's rules,
    the substitutions), with `rows` (unsaved): refused once the day has collections (what was handed over
    must match its plan); each row validated; the day's row touched; audited on the day as `key`, the
    rows' `fields` before and after. Runs inside the caller's transaction."""
    lock_day_plan(day.pk)  # first: the check below waits for a scan in flight and sees its collection
    if Collection.objects.filter(day=day).exists():
        raise DistributionError(_("Collections were already recorded on this day: the basket can no longer change."))
    manager = getattr(day, related)
    before = [snapshot(row, fields) for row in manager.all()]
    manager.all().delete()
    for row in rows:
        row.day = day
        row.full_clean()
    created = manager.model.objects.bulk_create(rows)
    day.save(update_fields=["updated_at"])  # scans compare it to the plan they keep (selectors.scan)
    audit(AuditLog.Action.CHANGE, day, user=by,
          changes={key: [_json(before), _json([snapshot(row, fields) for row in created])]})
    return created


def _json(rows):
    return [{key: str(value) if value is not None else None for key, value in row.items()} for row in rows]


@transaction.atomic
def set_status(day: DistributionDay, status: str, *, by) -> DistributionDay:
    before = day.status
    day.status = status
    day.save(update_fields=["status", "updated_at"])
    audit(AuditLog.Action.CHANGE, day, user=by, changes={"status": [before, status]})
    return day


# --- Time slots and notices -------------------------------------------------------------------


@transaction.atomic
def plan_slots(day: DistributionDay, *, minutes: int, by) -> list[TimeSlot]:
    """Split the day's hours into slots of `minutes` and spread the expected households evenly
    over them (in household order). Replaces an earlier plan; notices already sent stay sent."""
    if minutes < 5:
        raise DistributionError(_("A time slot must last at least 5 minutes."))
    start = datetime.combine(day.date, day.starts_at)
    end = datetime.combine(day.date, day.ends_at)
    slots = []
    moment = start
    while moment + timedelta(minutes=minutes) <= end:
        slots.append(TimeSlot(day=day, starts_at=moment.time(), ends_at=(moment + timedelta(minutes=minutes)).time()))
        moment += timedelta(minutes=minutes)
    if not slots:
        raise DistributionError(_("The day is shorter than one time slot."))
    SlotAssignment.objects.filter(day=day).delete()
    day.slots.all().delete()
    slots = TimeSlot.objects.bulk_create(slots)
    households = list(expected_households(day).values_list("pk", flat=True))
    per_slot = -(-len(households) // len(slots)) if households else 0
    SlotAssignment.objects.bulk_create([
        SlotAssignment(slot=slots[index // per_slot], day=day, household_id=household_id)
        for index, household_id in enumerate(households)
    ])
    audit(AuditLog.Action.CHANGE, day, user=by,
          changes={"slots": [None, len(slots)], "minutes": [None, minutes], "households": [None, len(households)]})
    return slots


def slot_notice_text(day: DistributionDay, slot: TimeSlot, language="el") -> tuple[str, str, str]:
    """(subject, e-mail text, SMS) of a household's notice: what, date, time, place, bring the card,
    the centre's phone. The SMS fits in two parts (core.messaging.fit_sms): only the place shrinks."""
    centre = Centre.current()
    place = ", ".join(part for part in (day.location.name, day.location.address) if part)
    with override(language):
        subject = _("Distribution of goods on %(date)s") % {"date": formats.date_format(day.date, "SHORT_DATE_FORMAT")}
        text = _("%(centre)s: distribution of goods on %(date)s at %(location)s. Please come between %(start)s "
                 "and %(end)s with your card. Info: %(phones)s") % {
            "centre": centre.name, "date": formats.date_format(day.date, "l d/m/Y"),
            "location": place, "start": f"{slot.starts_at:%H:%M}",
            "end": f"{slot.ends_at:%H:%M}", "phones": centre.phones}
        sms = fit_sms(_("Goods distribution %(date)s, %(start)s-%(end)s, %(place)s. Bring your card. Tel. %(phone)s"), {
            "date": formats.date_format(day.date, "D d/m"), "start": f"{slot.starts_at:%H:%M}",
            "end": f"{slot.ends_at:%H:%M}", "place": place, "phone": first_phone(centre.phones)}, shrink=("place",))
    return subject, text, sms


@transaction.atomic
def notify_slots(day: DistributionDay, *, by) -> dict:
    """Queue each household its slot by SMS (and e-mail where one is known) in the outbox, in this
    transaction; the worker sends them (core.messaging), and the day's page shows the batch's progress.
    Households without a phone are left for the printed list. Each queued notice marks its slot
    assignment, and each message's key is the assignment's and slot's, so sending twice repeats nothing."""
    batch = f"slots:{day.pk}:{uuid.uuid4().hex[:8]}"
    without = 0
    skipped = []
    texts = {}
    messages, marked = [], {}
    assignments = SlotAssignment.objects.filter(day=day, notified_at__isnull=True).select_related("slot", "household")
    contact_fields = [f for f in ("phone", "email") if hasattr(Person, f)]
    contacts = {row["household_id"]: row for row in Person.objects.filter(
        is_reference=True, household__in=assignments.values("household")).values("household_id", *contact_fields)}
    for assignment in assignments:
        reference = contacts.get(assignment.household_id, {})
        phone, email = reference.get("phone", ""), reference.get("email", "")
        if not (phone or email):
            without += 1
            skipped.append(assignment.pk)
            continue
        if assignment.slot_id not in texts:
            texts[assignment.slot_id] = slot_notice_text(day, assignment.slot)
        subject, text, sms = texts[assignment.slot_id]
        common = {"about": assignment.household, "kind": "slot_notice", "batch": batch, "by": by, "language": "el",
                  "key": f"slot-notice:{assignment.pk}:{assignment.slot_id}"}
        channels = []
        if email:
            messages.append(build(channel="email", to=email, subject=subject, text=text, **common))
            channels.append("email")
        if phone:
            messages.append(build(channel="sms", to=phone, subject=subject, text=sms, **common))
            channels.append("sms")
        marked.setdefault("+".join(channels), []).append(assignment.pk)
    queue_messages(messages)
    now = timezone.now()
    if marked:  # the most common channels for the rest of the day's unmarked rows; the others by id
        common = max(marked, key=lambda channels: len(marked[channels]))
        others = [pk for channels, ids in marked.items() if channels != common for pk in ids] + skipped
        for channels, ids in marked.items():
            if channels != common:
                SlotAssignment.objects.filter(pk__in=ids).update(notified_at=now, notified_by=channels)
        SlotAssignment.objects.filter(day=day, notified_at__isnull=True).exclude(pk__in=others).update(
            notified_at=now, notified_by=common)
    queued = sum(len(ids) for ids in marked.values())
    audit(AuditLog.Action.CHANGE, day, user=by, changes={"notices_queued": [None, queued],
                                                         "without_contact": [None, without], "batch": batch})
    return {"queued": queued, "without_contact": without, "batch": batch}


# --- Corrections ------------------------------------------------------------------------------


@transaction.atomic
def cancel_collection(collection: Collection, *, reason: str, by) -> Collection:
    """Cancel a collection (wrong household, goods not taken, ...): its goods go back to stock with
    reverse movements; the collection stays, marked cancelled, and the household may collect again."""
    reason = (reason or "").strip()
    if not reason:
        raise DistributionError(_("Say why the collection is cancelled."))
    collection = Collection.objects.select_for_update().get(pk=collection.pk)
    if collection.cancelled_at is not None:
        raise DistributionError(_("This collection was already cancelled."))
    movements = list(StockMovement.objects.filter(document_type=COLLECTION_DOCUMENT, document_key=collection.pk,
                                                  reverses__isnull=True, reversed_by__isnull=True,
                                                  reason=StockMovement.Reason.DISTRIBUTED))
    reverse_movements(movements, by=by, reason_text=_("Collection %(id)s cancelled: %(reason)s") % {
        "id": collection.pk, "reason": reason})
    collection.cancelled_at, collection.cancelled_by, collection.cancel_reason = timezone.now(), by, reason[:300]
    collection.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit(AuditLog.Action.CHANGE, collection, user=by,
          changes={"cancelled": [None, True], "reason": [None, reason], "returned_movements": [None, len(movements)]})
    return collection
