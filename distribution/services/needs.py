"""Needs: the coordinator's list, a need recorded for a household or member (legal basis, explicit consent
for a special-category need, audited without naming the need), and the substitutions of a day's basket.

The audit log outlives retention, so its entries about a recorded need say that a need was recorded or
removed for a household or member (ids), never which need; anonymisation deletes the records
(services.retention)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit, snapshot
from core.models import AuditLog

from ..models import BasketSubstitution, DistributionDay, Household, HouseholdNeed, Need, Person
from . import DistributionError
from .days import replace_plan

NEED_FIELDS = ["code", "name_el", "name_en", "special_category", "applies_to", "is_active"]
SUBSTITUTION_FIELDS = ["need_id", "kind", "from_item_id", "item_id", "quantity", "basis"]


@transaction.atomic
def save_need(need: Need, *, by) -> Need:
    """Add or change an entry of the list. Making a need special-category is refused while it is
    recorded for someone without explicit consent (the records carry the flag: see HouseholdNeed)."""
    need.full_clean()
    before = snapshot(Need.objects.get(pk=need.pk), NEED_FIELDS) if need.pk else {}
    need.save()
    if before and before["special_category"] != need.special_category:
        try:
            with transaction.atomic():
                HouseholdNeed.objects.filter(need=need).update(special_category=need.special_category)
        except IntegrityError:
            raise DistributionError(_("This need is recorded for households without their explicit consent: "
                                      "record the consent there (or remove the need) before marking it as "
                                      "revealing health or religion."), code="need_without_consent") from None
    after = snapshot(need, NEED_FIELDS)
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    audit(AuditLog.Action.CHANGE if before else AuditLog.Action.CREATE, need, user=by, changes=changes)
    return need


def _touch(household: Household) -> None:
    # The manifests' deltas and the day's documents watch updated_at: the basket may have changed.
    household.save(update_fields=["updated_at"])


@transaction.atomic
def record_need(household: Household, need: Need, *, by, person: Person | None = None, legal_basis: str = "",
                consent_date=None) -> HouseholdNeed:
    """Record `need` for the household (a need of the household) or for `person`, one of its current
    members (a need of a member). The legal basis defaults to the household's (with its consent date);
    a special-category need takes explicit consent with its date (constraint
    special_need_has_explicit_consent). Only staff call this (distribution.manage_needs)."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.ACTIVE:
        raise DistributionError(_("Needs are recorded only for an active household."), code="household_not_active")
    if not need.is_active:
        raise DistributionError(_("This need is no longer on the list."), code="need_inactive")
    if need.applies_to == Need.AppliesTo.MEMBER and person is None:
        raise DistributionError(_("Choose the member who has this need."), code="need_of_member", field="person")
    if need.applies_to == Need.AppliesTo.HOUSEHOLD:
        person = None
    if person is not None and (person.household_id != household.pk or person.left_on is not None):
        raise DistributionError(_("This person is not a current member of the household."), code="not_a_member",
                                field="person")
    if not legal_basis:
        legal_basis = household.legal_basis
        consent_date = consent_date or (household.consent_date if legal_basis == Household.LegalBasis.CONSENT
                                        else None)
    record = HouseholdNeed(household=household, person=person, need=need, special_category=need.special_category,
                           legal_basis=legal_basis,
                           consent_date=consent_date if legal_basis == Household.LegalBasis.CONSENT else None,
                           recorded_by=by)
    try:
        record.full_clean()
    except ValidationError as exc:
        raise DistributionError(" ".join(exc.messages), code="need_invalid", status=422) from None
    record.save()
    _touch(household)
    # Which need is not logged (the log outlives retention); that one was recorded, and for whom, is.
    audit(AuditLog.Action.CREATE, record, user=by,
          changes={"household": household.pk, "person": person.pk if person else None,
                   "legal_basis": legal_basis, "fields": ["need"]})
    return record


@transaction.atomic
def remove_need(record: HouseholdNeed, *, by) -> None:
    record = HouseholdNeed.objects.select_for_update().get(pk=record.pk)
    household = record.household
    audit(AuditLog.Action.DELETE, record, user=by,
          changes={"household": household.pk, "person": record.person_id, "fields": ["need"]})
    record.delete()
    _touch(household)


def forget_needs(households) -> int:
    """Delete every need recorded for these households and their people (anonymisation)."""
    ids = [household.pk for household in households]
    deleted, _by_model = HouseholdNeed.objects.filter(household_id__in=ids).delete()
    return deleted


def move_needs(keep: Household, merged: Household) -> None:
    """A merge: the needs of `merged` (and of its members, who move) go to `keep`; a need the kept
    household has already is not recorded twice."""
    held = set(HouseholdNeed.objects.filter(household=keep, person__isnull=True).values_list("need_id", flat=True))
    HouseholdNeed.objects.filter(household=merged, person__isnull=True, need_id__in=held).delete()
    HouseholdNeed.objects.filter(household=merged).update(household=keep)


def move_person_needs(kept: Person, merged: Person) -> None:
    """One person registered twice: the needs of the merged row go to the kept one (once each)."""
    held = set(HouseholdNeed.objects.filter(person=kept).values_list("need_id", flat=True))
    HouseholdNeed.objects.filter(person=merged, need_id__in=held).delete()
    HouseholdNeed.objects.filter(person=merged).update(person=kept, household_id=kept.household_id)


@transaction.atomic
def set_substitutions(day: DistributionDay, substitutions: list[BasketSubstitution], *, by):
    """Replace the day's substitutions with `substitutions` (unsaved). Like the basket, fixed once the
    day has collections (what was handed over must match its plan)."""
    return replace_plan(day, "substitutions", substitutions, SUBSTITUTION_FIELDS, key="substitutions", by=by)
