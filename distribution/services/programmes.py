"""Programmes and enrolments (eligibility)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit, audited_save
from core.models import AuditLog

from ..models import Enrolment, Household, Programme
from . import DistributionError

PROGRAMME_FIELDS = ["code", "name", "description", "once_per_distribution_day", "max_collections_per_month",
                    "is_active"]


@transaction.atomic
def save_programme(programme: Programme, *, by) -> Programme:
    programme.full_clean()
    audited_save(programme, PROGRAMME_FIELDS, by=by)
    return programme


@transaction.atomic
def enrol(household: Household, programme: Programme, start, end, *, decision_reference="", by) -> Enrolment:
    """Make a household eligible for a programme from `start` to `end`; overlapping periods are refused."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.ACTIVE:
        raise DistributionError(_("This household is no longer active."))
    if end < start:
        raise DistributionError(_("The end date must be on or after the start date."))
    overlapping = household.enrolments.filter(programme=programme, start__lte=end, end__gte=start,
                                              ended_early_on__isnull=True)
    if overlapping.exists():
        raise DistributionError(_("The household is already enrolled in this programme for part of that period."))
    enrolment = Enrolment.objects.create(household=household, programme=programme, start=start, end=end,
                                         decision_reference=decision_reference, created_by=by)
    audit(AuditLog.Action.CREATE, enrolment, user=by, changes={"household": household.pk,
                                                               "programme": programme.code,
                                                               "start": str(start), "end": str(end)})
    return enrolment


@transaction.atomic
def end_enrolment(enrolment: Enrolment, *, on=None, by) -> Enrolment:
    on = on or timezone.localdate()
    if on < enrolment.start:
        raise DistributionError(_("The end date must be on or after the start date."))
    enrolment.ended_early_on = on
    enrolment.save(update_fields=["ended_early_on"])
    audit(AuditLog.Action.CHANGE, enrolment, user=by, changes={"ended_early_on": str(on)})
    return enrolment
