"""The audit log carries its centre: centre A's coordinator never sees centre B's entries (page, export,
a record's history), a superuser sees the installation's with their centre, signing in belongs to no
centre, a person's entries are forgotten in every centre, and audit() costs no query for its centre."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import audit, forget_person
from core.models import AuditLog, Centre, Location
from core.selectors import audit_entries_for
from core.tenancy import centre_scope, installation_scope
from tests.factories import CentreFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere():
    """Centre B, a location of it and an entry about it, written by B's coordinator."""
    other = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")
    writer = UserFactory(username="coord-kavala", role="coordinator", role__centre=other)
    with centre_scope(other):
        hall = LocationFactory(name="Αίθουσα Καβάλας")
        entry = audit(AuditLog.Action.CHANGE, hall, user=writer, changes={"kind": ["site", "store"]})
    assert entry.centre_id == other.pk
    return other, hall, entry


def test_an_entry_carries_the_centre_it_was_written_in(elsewhere):
    here = audit(AuditLog.Action.VIEW, LocationFactory(name="Αίθουσα Δράμας"))
    assert here.centre_id == Centre.current().pk
    assert list(AuditLog.objects.values_list("pk", flat=True)) == [here.pk]  # the current centre's only
    assert AuditLog.every_centre.filter(pk=elsewhere[2].pk).exists()


def test_centre_b_entries_never_reach_centre_a_coordinator(coordinator_client, elsewhere):
    other, hall, entry = elsewhere
    mine = LocationFactory(name="Αίθουσα Δράμας")
    audit(AuditLog.Action.CHANGE, mine, changes={"kind": ["site", "store"]})
    page = coordinator_client.get(reverse("core:audit_log"))
    content = page.content.decode()
    assert page.status_code == 200 and "Αίθουσα Δράμας" in content
    assert "Καβάλας" not in content and "coord-kavala" not in content
    searched = coordinator_client.get(reverse("core:audit_log"), {"object_repr": "Καβάλας"})
    assert not list(searched.context["table"].rows)
    export = coordinator_client.get(reverse("core:audit_log"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert export.status_code == 200 and len(rows) > 1
    assert not any("Καβάλας" in cell or "coord-kavala" in cell for row in rows for cell in row)
    assert not any("centre" in h.lower() or "κέντρο" in h.lower() for h in rows[0])  # no centre column for her
    assert not audit_entries_for(hall).exists()  # a record's history: its centre's entries only
    with centre_scope(other):
        assert list(audit_entries_for(hall)) == [entry]


def test_a_superuser_sees_the_installations_entries_with_their_centre(client, elsewhere):
    other, _hall, _entry = elsewhere
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    audit(AuditLog.Action.VIEW, LocationFactory(name="Αίθουσα Δράμας"), user=admin)
    export = client.get(reverse("core:audit_log"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    text = "\n".join(",".join(row) for row in rows)
    assert "Αίθουσα Καβάλας" in text and "Αίθουσα Δράμας" in text and str(other) in text
    page = client.get(reverse("core:audit_log"))
    assert "Καβάλας" in page.content.decode()


def test_signing_in_and_out_belong_to_no_centre(client, staff_user):
    client.post(reverse("login"), {"username": "staff1", "password": "wrong"})
    client.post(reverse("login"), {"username": "staff1", "password": "correct-horse-battery-9"})
    client.post(reverse("logout"))
    entries = AuditLog.every_centre.filter(action__in=["login_failed", "login", "logout"])
    assert entries.count() == 3 and not entries.filter(centre__isnull=False).exists()


def test_a_job_over_several_centres_writes_the_records_own_centre(elsewhere):
    other, hall, _entry = elsewhere
    with installation_scope():
        assert audit(AuditLog.Action.CHANGE, hall).centre_id == other.pk
        assert audit(AuditLog.Action.CHANGE, object_repr="nightly job").centre_id is None


def test_a_persons_entries_are_forgotten_in_every_centre(elsewhere):
    other, hall, _entry = elsewhere
    person = UserFactory(username="eleni", role="staff")
    audit(AuditLog.Action.VIEW, LocationFactory(name="Αίθουσα Δράμας"), user=person)
    with centre_scope(other):
        audit(AuditLog.Action.VIEW, hall, user=person)
    assert forget_person(person, new_username="anonymous-1") == 2
    assert set(AuditLog.every_centre.filter(user=person).values_list("username", flat=True)) == {"anonymous-1"}


def test_audit_costs_no_query_for_its_centre(staff_user):
    location = Location.objects.create(name="Αίθουσα")
    audit(AuditLog.Action.VIEW, location, user=staff_user)  # the content type and the role are cached now
    with CaptureQueriesContext(connection) as queries:
        entry = audit(AuditLog.Action.VIEW, location, user=staff_user)
    assert len(queries) == 1 and entry.centre_id == location.centre_id
