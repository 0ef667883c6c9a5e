"""A retention date is never in the past, and the nightly anonymisation is announced 30 days ahead and
held for a household whose date was set recently, until the coordinator confirms."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from core.services import create_api_token
from distribution.models import Household, Person
from distribution.selectors import retention_due, retention_preview
from distribution.selectors.households import RETENTION_HOLD_DAYS
from distribution.services import households as services
from distribution.services import retention as retention_services

pytestmark = pytest.mark.django_db


def register(by, retention_until, first="Μαρία"):
    reference = Person(first_name=first, last_name="Παπαδοπούλου", birth_date=date(1980, 5, 17))
    return services.register_household(Household(retention_until=retention_until), reference, [], by=by)


def _set_long_ago(household, retention_until):
    """A retention date set years ago that has now passed (no one can type a past date)."""
    Household.objects.filter(pk=household.pk).update(
        retention_until=retention_until, retention_changed_at=timezone.now() - timedelta(days=365 * 3))


@pytest.mark.parametrize("when", [date(1, 1, 1), None])
def test_the_service_refuses_a_retention_date_in_the_past(staff_user, when):
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        register(staff_user, when or yesterday)
    assert "retention_until" in refused.value.message_dict
    assert not Household.objects.exists()


def test_the_household_form_refuses_yesterday_in_greek_and_keeps_the_date(staff_client, staff_user):
    today = timezone.localdate()
    household = register(staff_user, today + timedelta(days=400))
    response = staff_client.post(f"/distribution/households/{household.pk}/edit/", {
        "address": "Κομνηνών 3", "area": "", "legal_basis": "public_task", "consent_date": "",
        "consent_text_version": "", "retention_until": (today - timedelta(days=1)).isoformat(), "notes": "",
    }, HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 200
    assert "Η ημερομηνία διατήρησης δεν μπορεί να είναι στο παρελθόν" in response.content.decode()
    household.refresh_from_db()
    assert household.retention_until == today + timedelta(days=400)


def test_the_api_refuses_a_retention_date_in_the_past(client, staff_user):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(staff_user, 'device')[1]}"}
    payload = {"retention_until": "0001-01-01",
               "reference": {"first_name": "Αϊσέ", "last_name": "Σαλή", "birth_date": "1980-05-17"}}
    response = client.post("/api/v1/households", payload, content_type="application/json", **auth)
    assert response.status_code in (400, 422), response.content
    assert not Household.objects.exists()
    payload["retention_until"] = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert client.post("/api/v1/households", payload, content_type="application/json", **auth).status_code == 201


def test_a_recently_set_date_is_held_until_the_coordinator_confirms(staff_user, coordinator):
    today = timezone.localdate()
    household = register(staff_user, today + timedelta(days=1))  # a typo: tomorrow instead of next year
    old = register(staff_user, today + timedelta(days=1), first="Ελένη")
    _set_long_ago(old, today - timedelta(days=1))
    household.refresh_from_db()
    assert household.retention_changed_at is not None

    # Two nights later: the old household goes, the one set yesterday is held.
    assert retention_services.apply_retention(today=today + timedelta(days=2)) == 1
    assert Household.objects.get(pk=old.pk).status == Household.Status.ANONYMISED
    assert Household.objects.get(pk=household.pk).status == Household.Status.ACTIVE
    preview = retention_preview(today=today + timedelta(days=2))
    assert [(h.pk, h.held) for h in preview] == [(household.pk, True)]

    retention_services.confirm_retention(household, by=coordinator)
    assert list(retention_due(today + timedelta(days=2))) == [Household.objects.get(pk=household.pk)]
    assert retention_services.apply_retention(today=today + timedelta(days=2)) == 1
    assert Household.objects.get(pk=household.pk).status == Household.Status.ANONYMISED


def test_changing_the_date_again_needs_a_new_confirmation_and_the_hold_ends_after_its_days(staff_user, coordinator):
    today = timezone.localdate()
    household = register(staff_user, today + timedelta(days=5))
    retention_services.confirm_retention(household, by=coordinator)
    household.refresh_from_db()
    household.retention_until = today + timedelta(days=3)
    services.update_household(household, by=staff_user)
    assert [h.held for h in retention_preview()] == [True]
    assert retention_services.apply_retention(today=today + timedelta(days=10)) == 0
    # Once the date has stood for RETENTION_HOLD_DAYS, nothing holds it any more.
    Household.objects.filter(pk=household.pk).update(
        retention_changed_at=timezone.now() - timedelta(days=RETENTION_HOLD_DAYS + 1))
    assert retention_services.apply_retention(today=today + timedelta(days=10)) == 1


def test_the_retention_page_and_the_coordinators_panel_list_what_goes_within_30_days(
        client, staff_user, coordinator):
    today = timezone.localdate()
    soon = register(staff_user, today + timedelta(days=20))
    later = register(staff_user, today + timedelta(days=200), first="Ελένη")
    client.force_login(coordinator)
    page = client.get("/distribution/retention/", HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert f"/distribution/households/{soon.pk}/" in page and "Επιβεβαίωση ανωνυμοποίησης" in page
    assert f"/distribution/households/{later.pk}/" not in page
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="el").content.decode()
    assert "1 νοικοκυριό θα ανωνυμοποιηθεί μέσα σε 30 ημέρες" in home
    assert client.post(f"/distribution/retention/{soon.pk}/confirm/").status_code == 302
    assert Household.objects.get(pk=soon.pk).retention_confirmed_by == coordinator
    client.force_login(staff_user)
    assert client.post(f"/distribution/retention/{soon.pk}/confirm/").status_code == 403
    assert "1 νοικοκυριό" not in client.get("/", HTTP_ACCEPT_LANGUAGE="el").content.decode()


def test_the_nightly_command_says_what_it_held(staff_user, capsys):
    household = register(staff_user, timezone.localdate() + timedelta(days=1))
    Household.objects.filter(pk=household.pk).update(retention_until=timezone.localdate() - timedelta(days=1))
    call_command("apply_retention")
    assert "anonymised households: 0; held for confirmation: 1" in capsys.readouterr().out
    assert Household.objects.get(pk=household.pk).status == Household.Status.ACTIVE
