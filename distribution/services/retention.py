"""The end of a household's data and a person's right of access: anonymisation (keeping what the
reports need for past periods in a form that identifies nobody), the nightly retention run, the
coordinator's confirmation, and the export of everything held about one person."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.messaging.services import forget_messages_about
from core.models import AuditLog

from ..models import (
    Card,
    Collection,
    Household,
    HouseholdNeed,
    MembershipHistory,
    Person,
)
from . import DistributionError
from .needs import forget_needs


@transaction.atomic
def anonymise_household(household: Household, *, by=None) -> Household:
    """Remove the people, keep the statistics: names, identifiers, contacts, addresses, notes and the
    recorded needs go;
    sex, birth year, categories, enrolments, cards and collections stay, and what the reports need for
    the past collections stays in a form that identifies nobody (see `_keep_for_reports`), so that no
    figure of a past period changes. People who left the household, and households merged into it
    (with their people), are anonymised with it."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == Household.Status.ANONYMISED:
        return household
    now = timezone.now()
    households = [household, *Household.objects.select_for_update().filter(merged_into=household)]
    people = list(Person.everyone.select_for_update().filter(household__in=households))
    # People merged into these (registered twice, elsewhere) and people who lived here before a merge.
    people += list(Person.everyone.select_for_update().filter(merged_into__in=people).exclude(
        pk__in=[p.pk for p in people]))
    for person in people:
        _keep_for_reports(person)
    household.collectors.update(name="—", id_number="", relation="", is_active=False)
    forget_needs(households)  # not kept for the reports: a need could single a person out
    for card in household.cards.filter(status__in=Card.ACTIVE_STATUSES):
        card.status, card.revoked_at, card.revoke_reason = Card.Status.REVOKED, now, Card.RevokeReason.RETENTION
        card.save()
    for other in households[1:]:
        Household.objects.filter(pk=other.pk).update(address="", area="", notes="", import_reference=None,
                                                     anonymised_at=now)
    household.address = household.area = household.notes = ""
    household.import_reference = None
    household.status, household.anonymised_at = Household.Status.ANONYMISED, now
    household.save()
    forget_messages_about(*households, now=now)  # its slot notices forget the phone and the text
    audit(AuditLog.Action.CHANGE, household, user=by, changes={"anonymised": True})
    return household


AGE_GROUP_LIMITS = (18, 30, 65)  # the ESF+ age groups: below 18, 18-29, 30-64, 65 and over


def _age_group(born, day) -> int:
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return sum(age >= limit for limit in AGE_GROUP_LIMITS)


def stand_in_birth_date(born, days):
    """A date to stand for the birth date `born` after anonymisation, in the same year, that gives the
    same age group on each of `days` (the collection days the person may have been counted for): 1 July
    if it does, else the first of the month nearest the birth month that does, else a day of the birth
    month; the birth date itself only if nothing coarser does."""
    groups = [_age_group(born, day) for day in days]
    months = sorted(range(1, 13), key=lambda m: (abs(m - born.month), m))
    month_end = (born.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    candidates = [born.replace(month=7, day=1), *(born.replace(month=m, day=1) for m in months),
                  *(born.replace(day=d) for d in range(1, month_end.day + 1))]
    for candidate in candidates:
        if all(_age_group(candidate, day) == group for day, group in zip(days, groups, strict=True)):
            return candidate
    return born


def _membership_start_stand_in(start, days, end):
    """The first collection day on or after `start` (the person was counted from then): the same
    figures without keeping a date of birth or of joining."""
    later = [day for day in days if day >= start and (end is None or day <= end)]
    if later:
        return min(later)
    return end or timezone.localdate()


def _keep_for_reports(person: Person) -> None:
    """Blank what identifies `person`; keep for the reports: the nationality group (Greek, other EU,
    third country, not declared), sex, birth year, categories, the dates of the membership, with a
    birth date replaced by a stand-in that gives the same age group on each collection day of the
    person's households (`stand_in_birth_date`), and a membership start that is a birth or joining
    date moved to the household's first collection day after it."""
    # The households the person was counted for: their own, those of their past memberships, and those
    # of the rows merged into them (the same person registered twice).
    rows = [person.pk, *Person.everyone.filter(merged_into=person).values_list("pk", flat=True)]
    household_ids = {*Person.everyone.filter(pk__in=rows).values_list("household_id", flat=True),
                     *MembershipHistory.objects.filter(person_id__in=rows).values_list("household_id", flat=True)}
    days = sorted(set(Collection.objects.filter(household_id__in=household_ids)
                      .values_list("day__date", flat=True)))
    fields = {f: "" for f in ["first_name", "last_name", "father_name", "nationality", "nationality_recorded",
                              "amka", "other_id_kind",
                              "other_id", "phone", "address", "search_text", "identity_key", "phone_digits"]}
    fields["birth_date"] = None
    joined_on = person.joined_on
    if person.birth_date:
        fields["reporting_birth_date"] = stand_in_birth_date(person.birth_date, days)
        start = max(d for d in (person.joined_on, person.birth_date) if d)
        if start != person.joined_on:
            joined_on = _membership_start_stand_in(start, days, person.left_on)
    elif joined_on:
        joined_on = _membership_start_stand_in(joined_on, days, person.left_on)
    fields["joined_on"] = joined_on
    if person.birth_date:  # memberships of households merged away that began at birth
        for past in person.past_memberships.all():
            if past.joined_on is None or past.joined_on < person.birth_date:
                past.joined_on = _membership_start_stand_in(person.birth_date, days, past.left_on)
                past.save(update_fields=["joined_on"])
    # An update, not save(): save() would derive the report columns again from the blanked fields.
    Person.everyone.filter(pk=person.pk).update(**fields)


def apply_retention(today=None, *, by=None) -> int:
    """Anonymise every household whose retention date has passed, except those held because their
    date was set within the last RETENTION_HOLD_DAYS and the coordinator has not confirmed
    (selectors.households.retention_due). Returns how many were anonymised."""
    from ..selectors.households import retention_due

    count = 0
    for pk in list(retention_due(today).values_list("pk", flat=True)):
        anonymise_household(Household(pk=pk), by=by)
        count += 1
    return count


@transaction.atomic
def confirm_retention(household: Household, *, by) -> Household:
    """The coordinator's second confirmation: this household may be anonymised at its retention date
    although that date was set recently."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status == Household.Status.ANONYMISED:
        raise DistributionError(_("This household is already anonymised."))
    if household.retention_until is None:
        raise DistributionError(_("This household has no retention date."))
    household.retention_confirmed_at, household.retention_confirmed_by = timezone.now(), by
    household.save(update_fields=["retention_confirmed_at", "retention_confirmed_by", "updated_at"])
    audit(AuditLog.Action.CHANGE, household, user=by,
          changes={"retention_confirmed": household.retention_until.isoformat()})
    return household


def person_access_export(person: Person, *, by) -> dict:
    """Everything held about one person (GDPR art. 15), as plain data. Audited as an export."""
    from core.selectors import audit_entries_for

    household = person.household

    def person_data(p):
        return {
            "id": p.pk, "reference_person": p.is_reference, "relation": p.get_relation_display(),
            "first_name": p.first_name, "last_name": p.last_name, "father_name": p.father_name,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None, "sex": p.get_sex_display(),
            "nationality": p.get_nationality_display() or p.nationality_recorded, "amka": p.amka,
            "other_id_kind": p.get_other_id_kind_display(),
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
            "left_the_household_on": person.left_on.isoformat() if person.left_on else None,
        },
        # The needs recorded for the person and for their household (not those of other members).
        "needs": [
            {"need": r.need.name, "of": "person" if r.person_id else "household",
             "legal_basis": r.get_legal_basis_display(),
             "consent_date": r.consent_date.isoformat() if r.consent_date else None,
             "recorded_at": r.recorded_at.isoformat()}
            for r in HouseholdNeed.objects.filter(household=household).select_related("need")
            if r.person_id in (None, person.pk)],
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
