"""Registering households and members, duplicate warnings, merge, retention and right of access."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import AuditLog

from ..models import AuthorisedCollector, Card, Enrolment, Household, Person
from . import DistributionError

# Sent inside the merge transaction; issue 5 (collections) moves its own rows on it:
#   household_merged.connect(receiver)  ->  receiver(sender=Household, keep=..., merged=..., by=...)
household_merged = Signal()

HOUSEHOLD_FIELDS = ["address", "area", "categories", "notes", "legal_basis", "consent_date",
                    "consent_recorded_by_id", "consent_text_version", "retention_until", "import_reference"]
PERSON_FIELDS = ["is_reference", "relation", "first_name", "last_name", "father_name", "birth_date", "sex",
                 "nationality", "amka", "other_id_kind", "other_id", "phone", "address", "categories"]


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
    reason: str  # "amka" or "name_birth_date"

    @property
    def message(self):
        if self.reason == "amka":
            return _("AMKA %(amka)s is already registered (household %(household)s).") % {
                "amka": self.existing.amka, "household": self.existing.household_id}
        return _("%(name)s, born %(date)s, is already registered (household %(household)s).") % {
            "name": self.existing.full_name, "date": self.existing.birth_date.strftime("%d/%m/%Y"),
            "household": self.existing.household_id}


def find_duplicates(people, *, exclude_household_id=None) -> list[Duplicate]:
    """Existing people with the same AMKA, or the same name and birth date (Greek/Latin-insensitive)."""
    from ..models import identity_key

    amkas = {p.amka for p in people if p.amka}
    keys = {identity_key(p.first_name, p.last_name, p.birth_date) for p in people} - {""}
    if not amkas and not keys:
        return []
    existing = Person.objects.filter(Q(amka__in=amkas) | Q(identity_key__in=keys)).exclude(
        household__status=Household.Status.ANONYMISED)
    if exclude_household_id:
        existing = existing.exclude(household_id=exclude_household_id)
    existing = [e for e in existing if e.pk not in {p.pk for p in people if p.pk}]
    found = []
    for person in people:
        key = identity_key(person.first_name, person.last_name, person.birth_date)
        for other in existing:
            if person.amka and other.amka == person.amka:
                found.append(Duplicate(person, other, "amka"))
            elif key and other.identity_key == key:
                found.append(Duplicate(person, other, "name_birth_date"))
    return found


class DuplicatesFound(DistributionError):
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
        duplicates = find_duplicates(people)
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
def remove_member(person: Person, *, by) -> None:
    """A member who left the household. The reference person cannot be removed (name another first)."""
    if person.is_reference:
        raise DistributionError(_("Name another reference person before removing this one."))
    audit(AuditLog.Action.DELETE, person, user=by, changes={"household": person.household_id})
    person.delete()


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


@transaction.atomic
def merge_households(keep: Household, other: Household, *, by) -> Household:
    """Move everything of `other` into `keep`; `other` stays as a record pointing to `keep`.

    Members, collectors, enrolments and cards move (the history moves with them); `other`'s active
    card is revoked, its reference person becomes an ordinary member.
    """
    if keep.pk == other.pk:
        raise DistributionError(_("Choose two different households."))
    locked = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=[keep.pk, other.pk])
              .order_by("pk")}
    keep, other = locked[keep.pk], locked[other.pk]
    if keep.status != Household.Status.ACTIVE or other.status != Household.Status.ACTIVE:
        raise DistributionError(_("Only active households can be merged."))
    now = timezone.now()
    moved = {}
    for card in Card.objects.filter(household=other, status__in=Card.ACTIVE_STATUSES):
        card.status, card.revoked_at, card.revoked_by = Card.Status.REVOKED, now, by
        card.revoke_reason = Card.RevokeReason.MERGED
        card.save()
        audit(AuditLog.Action.CHANGE, card, user=by, changes={"status": ["active", "revoked"], "reason": "merged"})
    moved["cards"] = Card.objects.filter(household=other).update(household=keep)
    other.members.filter(is_reference=True).update(is_reference=False, relation=Person.Relation.OTHER)
    moved["members"] = other.members.update(household=keep)
    moved["collectors"] = other.collectors.update(household=keep)
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
    household_merged.send(sender=Household, keep=keep, merged=other, by=by)
    audit(AuditLog.Action.CHANGE, keep, user=by, changes={"merged_from": other.pk, **moved})
    audit(AuditLog.Action.CHANGE, other, user=by, changes={"merged_into": keep.pk})
    return keep


@transaction.atomic
def anonymise_household(household: Household, *, by=None) -> Household:
    """Remove the people, keep the statistics: birth year, sex, categories, enrolments, cards, and
    (issue 5) collections stay; names, identifiers, contacts, addresses and notes go."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == Household.Status.ANONYMISED:
        return household
    now = timezone.now()
    for person in household.members.all():
        for field in ["first_name", "last_name", "father_name", "nationality", "amka", "other_id_kind",
                      "other_id", "phone", "address"]:
            setattr(person, field, "")
        person.birth_date = None  # birth_year stays, for age bands
        person.save()
    household.collectors.update(name="—", id_number="", relation="", is_active=False)
    for card in household.cards.filter(status__in=Card.ACTIVE_STATUSES):
        card.status, card.revoked_at, card.revoke_reason = Card.Status.REVOKED, now, Card.RevokeReason.RETENTION
        card.save()
    household.address = household.area = household.notes = ""
    household.import_reference = None
    household.status, household.anonymised_at = Household.Status.ANONYMISED, now
    household.save()
    audit(AuditLog.Action.CHANGE, household, user=by, changes={"anonymised": True})
    return household


def apply_retention(today=None, *, by=None) -> int:
    """Anonymise every household whose retention date has passed. Returns how many."""
    today = today or timezone.localdate()
    due = Household.objects.filter(retention_until__lt=today).exclude(
        status=Household.Status.ANONYMISED).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        anonymise_household(Household(pk=pk), by=by)
        count += 1
    return count


def person_access_export(person: Person, *, by) -> dict:
    """Everything held about one person (GDPR art. 15), as plain data. Audited as an export."""
    from core.selectors import audit_entries_for

    household = person.household

    def person_data(p):
        return {
            "id": p.pk, "reference_person": p.is_reference, "relation": p.get_relation_display(),
            "first_name": p.first_name, "last_name": p.last_name, "father_name": p.father_name,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None, "sex": p.get_sex_display(),
            "nationality": p.nationality, "amka": p.amka, "other_id_kind": p.get_other_id_kind_display(),
            "other_id": p.other_id, "phone": p.phone, "address": p.address, "categories": p.categories,
            "registered": p.created_at.isoformat(),
        }

    data = {
        "exported_at": timezone.now().isoformat(),
        "person": person_data(person),
        "household": {
            "id": household.pk, "status": household.status, "address": household.address, "area": household.area,
            "categories": household.categories, "notes": household.notes,
            "legal_basis": household.get_legal_basis_display(),
            "consent_date": household.consent_date.isoformat() if household.consent_date else None,
            "consent_text_version": household.consent_text_version,
            "retention_until": household.retention_until.isoformat() if household.retention_until else None,
            "other_members": [person_data(p) for p in household.members.exclude(pk=person.pk)],
        },
        "authorised_collectors": [
            {"name": c.name, "id_number": c.id_number, "relation": c.relation, "active": c.is_active}
            for c in household.collectors.all()],
        "enrolments": [
            {"programme": e.programme.name, "from": e.start.isoformat(), "until": e.end.isoformat(),
             "decision": e.decision_reference} for e in household.enrolments.select_related("programme")],
        "cards": [
            {"number": c.display_number, "status": c.get_status_display(),
             "valid_until": c.valid_until.isoformat() if c.valid_until else None,
             "handed_over_at": c.handed_over_at.isoformat() if c.handed_over_at else None,
             "handed_over_to": c.handed_over_to} for c in household.cards.all()],
        "access_log": [
            {"at": e.at.isoformat(), "user": e.username, "role": e.role, "action": e.action}
            for obj in [household, person] for e in audit_entries_for(obj)],
    }
    audit(AuditLog.Action.EXPORT, person, user=by, changes={"right_of_access": True})
    return data


# Re-exported for the views' convenience.
__all__ = ["Duplicate", "DuplicatesFound", "Enrolment", "add_collector", "anonymise_household", "apply_retention",
           "deactivate_collector", "find_duplicates", "household_merged", "merge_households",
           "person_access_export", "register_household", "remove_member", "save_member", "update_household"]
