from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from distribution.models import Enrolment, Programme
from distribution.selectors import expiring_enrolments
from distribution.services import DistributionError
from distribution.services.programmes import end_enrolment, enrol, save_programme
from tests.distribution.factories import ProgrammeFactory, household_with_reference

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def test_programme_stores_collection_rules_and_refuses_a_zero_monthly_limit(staff_user):
    programme = save_programme(Programme(code="kea-basic", name="ΚΕΑ", max_collections_per_month=2), by=staff_user)
    assert programme.once_per_distribution_day and programme.max_collections_per_month == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(max_collections_per_month=0)


def test_enrolment_periods_must_be_ordered_and_not_overlap(staff_user):
    programme, household = ProgrammeFactory(), household_with_reference()
    enrol(household, programme, date(2026, 1, 1), date(2026, 6, 30), decision_reference="1/2026", by=staff_user)
    with pytest.raises(DistributionError):
        enrol(household, programme, date(2026, 6, 1), date(2026, 12, 31), by=staff_user)
    with pytest.raises(DistributionError):
        enrol(household, programme, date(2026, 9, 1), date(2026, 8, 1), by=staff_user)
    enrol(household, programme, date(2026, 7, 1), date(2026, 12, 31), by=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(household=household, programme=programme, start=date(2027, 2, 1),
                                 end=date(2027, 1, 1))


def test_expiring_list_shows_ending_enrolments_that_were_not_renewed(staff_user):
    programme = ProgrammeFactory()
    ending, renewed, later, ended = (household_with_reference() for _ in range(4))
    soon = enrol(ending, programme, date(2026, 1, 1), TODAY + timedelta(days=10), by=staff_user)
    enrol(renewed, programme, date(2026, 1, 1), TODAY + timedelta(days=5), by=staff_user)
    enrol(renewed, programme, TODAY + timedelta(days=6), TODAY + timedelta(days=371), by=staff_user)
    enrol(later, programme, date(2026, 1, 1), TODAY + timedelta(days=90), by=staff_user)
    stopped = enrol(ended, programme, date(2026, 1, 1), TODAY + timedelta(days=3), by=staff_user)
    end_enrolment(stopped, on=TODAY - timedelta(days=1), by=staff_user)
    assert [e.pk for e in expiring_enrolments(within_days=30, today=TODAY)] == [soon.pk]
    assert expiring_enrolments(within_days=120, today=TODAY).count() == 2
    stopped.refresh_from_db()
    assert not stopped.is_current_on(TODAY) and soon.is_current_on(TODAY)
