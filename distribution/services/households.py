"""Registering households and members, duplicate warnings, merge, retention and right of access."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog
from core.text import filter_by_search, search_key

from ..models import (
    AuthorisedCollector,
    Card,
    Enrolment,
    Household,
    MembershipHistory,
    Person,
    phone_digits,
)
from . import DistributionError
from .needs import move_needs, move_person_needs

# Sent inside the merge transaction; distribution days (collections) move their own rows on it:
#   household_merged.connect(receiver)  ->  receiver(sender=Household, keep=..., merged=..., by=...)
household_merged = Signal()

HOUSEHOLD_FIELDS = ["address", "area", "categories", "notes", "legal_basis", "consent_date",
                    "consent_recorded_by_id", "consent_text_version", "retention_until", "import_reference"]
PERSON_FIELDS = ["is_reference", "relation", "first_name", "last_name", "father_name", "birth_date", "sex",
                 "nationality", "amka", "other_id_kind", "other_id", "phone", "address", "categories", "joined_on"]


def _changed_fields(before: dict, obj, fields) -> dict:
    """Which fields changed, without their values: the audit log outlives the retention period,
    so it must not keep copies of names, AMKA or categories."""
    changed = [f for f in fields if str(before.get(f, "")) != str(getattr(obj, f))]
    return {"fields": changed} if changed else {}


def _snapshot(obj, fields):
    return {f: getattr(obj, f) for f in fields}


@dataclass
class Duplicate:
    person: Person  # the new (unsaved or imported) person
    existing: Person
    reason: str  # "amka", "name_birth_date", or the softer "name_and_contact"
    also: tuple = ()  # for "name_and_contact": what else matched ("phone", "address", "member")

    @property
    def soft(self) -> bool:
        """Only a possibility: the same name without a date of birth to compare, and a contact in common."""
        return self.reason == "name_and_contact"

    @property
    def message(self):
        if self.reason == "amka":
            return _("AMKA %(amka)s is already registered (household %(household)s).") % {
                "amka": self.existing.amka, "household": self.existing.household_id}
        if self.soft:
            what = {"phone": _("the same phone"), "address": _("the same address"),
                    "member": _("a family member with the same name")}
            return _("%(name)s may already be registered (household %(household)s): the same name, no date of "
                     "birth to compare, and %(also)s.") % {
                "name": self.existing.full_name, "household": self.existing.household_id,
                "also": ", ".join(str(what[a]) for a in self.also)}
        return _("%(name)s, born %(date)s, is already registered (household %(household)s).") % {
            "name": self.existing.full_name, "date": self.existing.birth_date.strftime("%d/%m/%Y"),
            "household": self.existing.household_id}


def name_key(first_name: str, last_name: str) -> str:
    """The name words in the search form, in any order: the name part of Person.identity_key."""
    return " ".join(sorted(search_key(f"{first_name} {last_name}").split()))


def find_duplicates(people, *, exclude_household_id=None, registered_before=None, household=None) -> list[Duplicate]:
    """Existing people who may be one of `people`, with the same matching as search (core.text keys:
    accents, capitals, ELOT 743 and Greeklish spellings meet).

    Certain enough to warn: the same AMKA, or the same name and date of birth. Softer: the same name
    where one of the two has no date of birth, when the phone, the address or another member's name
    also matches. `household`: the new people's household when they are not attached to it yet.
    """
    from ..models import identity_key

    amkas = {p.amka for p in people if p.amka}
    keys = {identity_key(p.first_name, p.last_name, p.birth_date) for p in people} - {""}
    names = {name_key(p.first_name, p.last_name) for p in people} - {""}
    if not amkas and not keys and not names:
        return []
    existing = Person.objects.exclude(household__status=Household.Status.ANONYMISED)
    if exclude_household_id:
        existing = existing.exclude(household_id=exclude_household_id)
    if registered_before:
        existing = existing.filter(created_at__lt=registered_before)
    ours = {p.pk for p in people if p.pk}
    certain = [e for e in existing.filter(Q(amka__in=amkas) | Q(identity_key__in=keys)) if e.pk not in ours]
    found = []
    for person in people:
        key = identity_key(person.first_name, person.last_name, person.birth_date)
        for other in certain:
            if person.amka and other.amka == person.amka:
                found.append(Duplicate(person, other, "amka"))
            elif key and other.identity_key == key:
                found.append(Duplicate(person, other, "name_birth_date"))
    seen = {(id(d.person), d.existing.pk) for d in found}
    for person in people:
        found += _same_name_and_contact(person, people, existing, household, seen)
    return found


def _same_name_and_contact(person, people, existing, household, seen) -> list[Duplicate]:
    names = name_key(person.first_name, person.last_name)
    if not names:
        return []
    candidates = [
        other for other in filter_by_search(existing, names).select_related("household")
        .prefetch_related("household__members")[:50]
        if (id(person), other.pk) not in seen and name_key(other.first_name, other.last_name) == names
        and not (person.birth_date and other.birth_date) and other.pk != person.pk
    ]
    if not candidates:
        return []
    home = household if household is not None else (person.household if person.household_id else None)
    address = search_key(person.address or (home.address if home is not None else ""))
    family = {name_key(p.first_name, p.last_name) for p in people if p is not person}
    if home is not None and home.pk:
        family |= {name_key(m.first_name, m.last_name) for m in home.members.all() if m.pk != person.pk}
    family.discard("")
    phone = phone_digits(person.phone)
    found = []
    for other in candidates:
        also = []
        if phone and phone == other.phone_digits:
            also.append("phone")
        if address and address == search_key(other.address or other.household.address):
            also.append("address")
        if family & {name_key(m.first_name, m.last_name) for m in other.household.members.all() if m.pk != other.pk}:
            also.append("member")
        if also:
            found.append(Duplicate(person, other, "name_and_contact", tuple(also)))
    return found


class DuplicatesFound(DistributionError):
    code = "possible_duplicates"

    def __init__(self, duplicates):
        self.duplicates = duplicates
        super().__init__(" ".join(d.message for d in duplicates))


@transaction.atomic
def register_household(household: Household, reference: Person, members=(), *, by,
                       allow_duplicates=False) -> Household:
    """Save a new household with its reference person (and other members).

    Possible duplicates raise DuplicatesFound unless the user has seen them and confirmed.
    """
    people = [reference, *members]
    for person in people:
        person.full_clean(exclude=["household"])
    household.full_clean()
    if not allow_duplicates:
        duplicates = find_duplicates(people, household=household)
        if duplicates:
            raise DuplicatesFound(duplicates)
    household.created_by = by if getattr(by, "is_authenticated", False) else None
    household.save()
    audit(AuditLog.Action.CREATE, household, user=by, changes={"members": len(people)})
    reference.is_reference = True
    reference.relation = Person.Relation.REFERENCE
    for person in people:
        person.household = household
        person.save()
        audit(AuditLog.Action.CREATE, person, user=by, changes={"household": household.pk})
    return household


@transaction.atomic
def update_household(household: Household, *, by) -> Household:
    before = _snapshot(Household.objects.get(pk=household.pk), HOUSEHOLD_FIELDS)
    household.full_clean()
    household.save()
    audit(AuditLog.Action.CHANGE, household, user=by, changes=_changed_fields(before, household, HOUSEHOLD_FIELDS))
    return household


@transaction.atomic
def save_member(person: Person, *, by, allow_duplicates=False) -> Person:
    """Add a member to a household or change one; a new reference person replaces the old one."""
    household = Household.objects.select_for_update().get(pk=person.household_id)
    if household.status != Household.Status.ACTIVE:
        raise DistributionError(_("This household is no longer active."))
    person.full_clean(validate_constraints=False)  # the reference-person constraint is handled below
    if person.joined_on and person.joined_on > timezone.localdate():
        raise DistributionError(_("The date the member joined cannot be in the future."))
    if not allow_duplicates:
        duplicates = find_duplicates([person], exclude_household_id=household.pk)
        if duplicates:
            raise DuplicatesFound(duplicates)
    creating = person.pk is None
    before = {} if creating else _snapshot(Person.objects.get(pk=person.pk), PERSON_FIELDS)
    if person.is_reference:
        household.members.filter(is_reference=True).exclude(pk=person.pk).update(
            is_reference=False, relation=Person.Relation.OTHER)
        person.relation = Person.Relation.REFERENCE
    elif not household.members.filter(is_reference=True).exclude(pk=person.pk).exists():
        raise DistributionError(_("A household needs a reference person."))
    person.save()
    audit(AuditLog.Action.CREATE if creating else AuditLog.Action.CHANGE, person, user=by,
          changes={"household": household.pk, **_changed_fields(before, person, PERSON_FIELDS)})
    return person


@transaction.atomic
def remove_member(person: Person, *, by, left_on=None) -> Person:
    """A member who left the household on `left_on` (default today). The person is kept, with the date,
    so that the reports still count them for the collections made while they were a member; they no
    longer appear among the members. The reference person cannot be removed (name another first)."""
    person = Person.everyone.select_for_update().get(pk=person.pk)
    left_on = left_on or timezone.localdate()
    if person.left_on is not None:
        raise DistributionError(_("This person has already left the household."))
    if person.is_reference:
        raise DistributionError(_("Name another reference person before removing this one."))
    if left_on > timezone.localdate():
        raise DistributionError(_("The date of leaving cannot be in the future."))
    if person.joined_on and left_on < person.joined_on:
        raise DistributionError(_("The date of leaving cannot be before the date the member joined."))
    person.left_on = left_on
    person.save(update_fields=["left_on"])
    audit(AuditLog.Action.CHANGE, person, user=by, changes={"household": person.household_id, "left": True})
    return person


@transaction.atomic
def add_collector(collector: AuthorisedCollector, *, by) -> AuthorisedCollector:
    collector.full_clean()
    collector.created_by = by
    collector.save()
    audit(AuditLog.Action.CREATE, collector, user=by, changes={"household": collector.household_id})
    return collector


@transaction.atomic
def deactivate_collector(collector: AuthorisedCollector, *, by) -> None:
    collector.is_active = False
    collector.save(update_fields=["is_active"])
    audit(AuditLog.Action.CHANGE, collector, user=by, changes={"fields": ["is_active"]})


@dataclass
class SamePerson:
    """A person registered in both households of a merge (`kept` in the one kept, `merged` in the other)."""

    kept: Person
    merged: Person
    reason: str  # "amka", "other_id" or "name_birth_date"

    @property
    def value(self) -> str:
        return f"{self.kept.pk}-{self.merged.pk}"


def same_people(keep: Household, other: Household) -> list[SamePerson]:
    """Pairs of today's members, one of each household, who look like the same person: the same AMKA,
    the same other identifier, or the same name in any spelling with the same birth date. Staff
    confirm the pairs on the merge screen; each merged person is then counted once."""
    pairs, used = [], set()
    others = list(other.members.all())
    for kept in keep.members.all():
        for merged in others:
            if merged.pk in used:
                continue
            if kept.amka and kept.amka == merged.amka:
                reason = "amka"
            elif kept.other_id and kept.other_id_kind == merged.other_id_kind and kept.other_id == merged.other_id:
                reason = "other_id"
            elif kept.identity_key and kept.identity_key == merged.identity_key:
                reason = "name_birth_date"
            else:
                continue
            pairs.append(SamePerson(kept, merged, reason))
            used.add(merged.pk)
            break
    return pairs


# What a merged person's row gives to the row kept, where the kept one has nothing recorded.
FILLED_FROM_MERGED = ["father_name", "birth_date", "sex", "nationality", "amka", "other_id_kind", "other_id",
                      "phone", "address"]


@transaction.atomic
def merge_households(keep: Household, other: Household, *, by, same=()) -> Household:
    """Move everything of `other` into `keep`; `other` stays as a record pointing to `keep`.

    Members, collectors, enrolments and cards move; `other`'s active card is revoked, its reference
    person becomes an ordinary member. History stays whole: the members' time in `other` is kept
    (MembershipHistory), so `other`'s collections still count for them, and the two households count
    as one in the reports (`merged_into` always names the household they live on in). `same` lists
    (kept person, merged person) pairs that staff confirmed are one person (see `same_people`): the
    merged row keeps its own history, points at the kept one and is counted as that one person.
    """
    if keep.pk == other.pk:
        raise DistributionError(_("Choose two different households."))
    locked = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])
              .order_by("pk")}
    keep, other = locked[keep.pk], locked[other.pk]
    if keep.status != Household.Status.ACTIVE or other.status != Household.Status.ACTIVE:
        raise DistributionError(_("Only active households can be merged."))
    now = timezone.now()
    today = timezone.localdate()
    moved = {}
    for card in Card.objects.filter(household=other, status__in=Card.ACTIVE_STATUSES):
        card.status, card.revoked_at, card.revoked_by = Card.Status.REVOKED, now, by
        card.revoke_reason = Card.RevokeReason.MERGED
        card.save()
        audit(AuditLog.Action.CHANGE, card, user=by, changes={"status": ["active", "revoked"], "reason": "merged"})
    moved["cards"] = Card.objects.filter(household=other).update(household=keep)
    moved["same_people"] = _merge_people(keep, other, same, today=today, by=by)
    other.members.filter(is_reference=True).update(is_reference=False, relation=Person.Relation.OTHER)
    MembershipHistory.objects.bulk_create(
        MembershipHistory(person_id=pk, household=other, joined_on=joined_on, left_on=today)
        for pk, joined_on in other.members.values_list("pk", "joined_on"))
    moved["members"] = other.members.update(household=keep, joined_on=today)
    moved["collectors"] = other.collectors.update(household=keep)
    move_needs(keep, other)
    moved["enrolments"] = 0
    for enrolment in list(other.enrolments.all()):
        twin = keep.enrolments.filter(programme=enrolment.programme_id, start=enrolment.start).first()
        if twin is None:
            enrolment.household = keep
            enrolment.save(update_fields=["household"])
        else:  # the same enrolment registered twice: keep the longer one
            if enrolment.end > twin.end:
                twin.end = enrolment.end
                twin.save(update_fields=["end"])
            enrolment.delete()
        moved["enrolments"] += 1
    for code, answer in (other.categories or {}).items():
        keep.categories.setdefault(code, answer)
    if other.notes:
        keep.notes = "\n\n".join(n for n in [keep.notes, other.notes] if n)
    keep.save()
    other.status, other.merged_into = Household.Status.MERGED, keep
    other.save(update_fields=["status", "merged_into", "updated_at"])
    # Households merged into `other` before now live on in `keep`.
    Household.objects.filter(merged_into=other).update(merged_into=keep)
    household_merged.send(sender=Household, keep=keep, merged=other, by=by)
    audit(AuditLog.Action.CHANGE, keep, user=by, changes={"merged_from": other.pk, **moved})
    audit(AuditLog.Action.CHANGE, other, user=by, changes={"merged_into": keep.pk})
    return keep


def _merge_people(keep: Household, other: Household, same, *, today, by) -> int:
    """Merge each confirmed (kept, merged) pair: the merged row leaves `other` today, points at the kept
    row, and gives it what the kept row lacks. Returns how many pairs."""
    count = 0
    for kept, merged in same:
        kept = Person.objects.select_for_update().filter(pk=kept.pk, household=keep).first()
        merged = Person.objects.select_for_update().filter(pk=merged.pk, household=other).first()
        if kept is None or merged is None:
            raise DistributionError(_("A pair of people to merge is no longer in the two households."))
        filled = [f for f in FILLED_FROM_MERGED if not getattr(kept, f) and getattr(merged, f)]
        for field in filled:
            setattr(kept, field, getattr(merged, field))
        for code, answer in (merged.categories or {}).items():
            if code not in kept.categories:
                kept.categories[code] = answer
                filled.append("categories")
        kept.save()
        merged.left_on, merged.merged_into, merged.is_reference = today, kept, False
        if merged.joined_on and merged.joined_on > today:
            merged.joined_on = today
        merged.save(update_fields=["left_on", "merged_into", "is_reference", "joined_on"])
        # Rows merged into `merged` before now stand for `kept` too.
        Person.everyone.filter(merged_into=merged).update(merged_into=kept)
        move_person_needs(kept, merged)
        audit(AuditLog.Action.CHANGE, kept, user=by, changes={"same_as": merged.pk,
                                                             "fields": sorted(set(filled))})
        count += 1
    return count


@transaction.atomic
def resolve_nationality(text: str, code: str, *, by) -> int:
    """Staff say which country a nationality written as text (one that names no country) means: every
    person with that text gets the country. Returns how many people."""
    from ..nationality import nationality_choices

    if code not in {c for c, _name in nationality_choices()}:
        raise DistributionError(_("Choose a country from the list."))
    count = 0
    for person in Person.everyone.select_for_update().filter(nationality_recorded=text):
        person.nationality = code
        person.save(update_fields=["nationality", "nationality_recorded", "nationality_group"])
        audit(AuditLog.Action.CHANGE, person, user=by, changes={"fields": ["nationality"]})
        count += 1
    return count


# Re-exported for the views' convenience.
__all__ = ["Duplicate", "DuplicatesFound", "Enrolment", "add_collector",
           "deactivate_collector", "find_duplicates", "household_merged", "merge_households",
           "same_people", "register_household", "remove_member", "resolve_nationality",
           "save_member", "update_household"]
