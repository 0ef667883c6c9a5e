"""The audit log keeps ids, actions and which fields changed: never what was searched, query strings,
names in its labels, or the values of contact fields, before and after anonymisation and purges."""

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.audit import audit, clean_changes
from core.models import AuditLog
from events.services import registrations, retention
from tests.distribution.days_helpers import day_with_basket, household, open_around_now
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.volunteers.factories import VolunteerFactory
from volunteers.services import roster

AMKA = "17058012345"
SURNAME = "Ζαχαριάδου"
PHONE = "6944556677"


def _everything_in_the_log() -> str:
    rows = AuditLog.objects.values("username", "object_repr", "changes", "path", "object_id")
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def _assert_forgotten(*secrets):
    text = _everything_in_the_log()
    for secret in secrets:
        assert secret not in text, secret


@pytest.fixture
def people(db):
    hh, card, _qr = household(phone=PHONE, last_name=SURNAME)
    member = hh.members.get(is_reference=True)
    member.amka = AMKA
    member.save()
    return hh, card


def test_searches_leave_no_search_text_or_query_string(people, staff_client):
    staff_client.get("/api/v1/households", {"q": AMKA})
    staff_client.get("/api/v1/households", {"q": SURNAME})
    staff_client.get(reverse("distribution:households"), {"q": PHONE})
    staff_client.get(reverse("distribution:households"), {"q": SURNAME, "_export": "csv"})
    assert AuditLog.objects.filter(action__in=["view", "export"]).exists()
    _assert_forgotten(AMKA, SURNAME, PHONE, "q=")


def test_the_station_search_is_audited_without_what_was_typed(people, volunteer_client):
    day, _items = day_with_basket()
    open_around_now(day)
    response = volunteer_client.post(reverse("distribution:station_search", args=[day.pk]), {"q": SURNAME})
    assert response.status_code == 200
    assert AuditLog.objects.filter(action="view", object_id=str(day.pk)).exists()
    _assert_forgotten(SURNAME)


def test_volunteer_contact_changes_keep_field_names_not_values(db, coordinator):
    volunteer = VolunteerFactory(first_name="Ροδάνθη", last_name=SURNAME, phone="6900000001")
    volunteer.phone, volunteer.notes, volunteer.email = PHONE, "μιλά τούρκικα, θέμα υγείας", "roda@example.org"
    roster.save_profile(volunteer, by=coordinator)
    entry = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(volunteer)).latest("pk")
    assert set(entry.changes["fields"]) >= {"phone", "notes", "email"}
    _assert_forgotten(PHONE, "6900000001", "θέμα υγείας", "roda@example.org", SURNAME, "Ροδάνθη")


def test_anonymising_a_volunteer_removes_their_name_from_their_own_entries(db, coordinator):
    user = UserFactory(username="rodanthi.zacharidou", role="volunteer")
    volunteer = VolunteerFactory(first_name="Ροδάνθη", last_name=SURNAME, user=user)
    Client().post(reverse("login"), {"username": "rodanthi.zacharidou", "password": "wrong"},
                  REMOTE_ADDR="198.51.100.8")
    client = Client()
    client.force_login(user)
    client.get(reverse("volunteers:me"), REMOTE_ADDR="198.51.100.8")
    audit(AuditLog.Action.VIEW, volunteer, user=user)
    assert "rodanthi.zacharidou" in _everything_in_the_log()
    roster.anonymise(volunteer, by=coordinator)
    _assert_forgotten("rodanthi.zacharidou", SURNAME, "Ροδάνθη")
    assert not AuditLog.objects.filter(user=user, ip_address__isnull=False).exists()


def test_purged_registrations_leave_no_names_in_the_log(db, staff_user):
    event = EventFactory()
    registration = registrations.register(event, registrations.RegistrationRequest(
        name=f"Ευτέρπη {SURNAME}", phone=PHONE, places=2, consent=True))
    registrations.cancel_registration(registration)
    event.starts_at, event.ends_at = timezone.now() - timedelta(days=400), timezone.now() - timedelta(days=399)
    event.save()
    retention.anonymise_past_registrations(older_than_days=180)
    _assert_forgotten(SURNAME, PHONE, "Ευτέρπη")
    assert AuditLog.objects.filter(object_id=str(registration.pk)).exists()


def test_private_link_tokens_are_masked_in_the_page_column(db):
    event = EventFactory()
    registration = registrations.register(event, registrations.RegistrationRequest(
        name="Άννα Σαλή", email="anna@example.org", places=1, consent=True))
    Client().post(reverse("events:manage_cancel", args=[registration.manage_token]))
    entry = AuditLog.objects.filter(changes__cancelled_by=["", "link"]).get()
    assert registration.manage_token not in entry.path and "…" in entry.path


def test_changes_keep_status_values_and_hide_personal_ones():
    assert clean_changes({"status": ["a", "b"], "phone": ["1", "2"], "station_search": "Σαλή",
                          "fields": ["amka"]}) == {"status": ["a", "b"], "fields": ["amka", "phone"]}


def test_the_migration_cleans_entries_written_before(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("core.migrations.0006_audit_log_forgets_people")
    volunteer = VolunteerFactory(first_name="Ροδάνθη", last_name=SURNAME)
    kind = ContentType.objects.get_for_model(volunteer)
    old = AuditLog(action="change", content_type=kind, object_id=str(volunteer.pk),
                   object_repr=f"Ροδάνθη {SURNAME} · sign-in link",
                   changes={"phone": ["6900000001", PHONE], "status": ["active", "left"]},
                   path=f"/api/v1/households?q={AMKA}")
    old.save()
    search = AuditLog(action="view", changes={"station_search": SURNAME, "results": 2},
                      path="/events/r/Zq3x9K2mVb7Lr4Tn8Wp1Yc6Hd0Jf5Gs/cancel/")
    search.save()
    migration.forward(apps, None)
    old.refresh_from_db()
    search.refresh_from_db()
    assert old.changes == {"status": ["active", "left"], "fields": ["phone"]}
    assert old.path == "/api/v1/households" and SURNAME not in old.object_repr
    assert search.changes == {"results": 2} and search.path == "/events/r/…/cancel/"


def test_signing_out_is_audited_through_the_lazy_request_user(client, staff_user):
    client.post(reverse("login"), {"username": "staff1", "password": "correct-horse-battery-9"})
    client.post(reverse("logout"))
    entry = AuditLog.every_centre.get(action="logout")
    assert entry.object_repr.endswith(f" {staff_user.pk}") and "staff1" not in entry.object_repr
    assert entry.username == "staff1"
