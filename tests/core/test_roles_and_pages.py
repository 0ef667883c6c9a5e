import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.models import AuditLog, Location
from core.roles import has_role, role_of
from core.selectors import audit_entries_for


@pytest.mark.django_db
def test_groups_exist_and_the_access_table_not_model_permissions_says_who_may_what():
    from core.roles import access_table, roles_for

    for name in ("coordinator", "staff", "volunteer"):
        assert not Group.objects.get(name=name).permissions.exists(), "the groups carry no model permissions"
    assert roles_for("core.administer") == {"coordinator"}
    assert roles_for("core.manage_locations") == {"coordinator", "staff"}, "staff implies the coordinator"
    assert "volunteer" not in roles_for("core.manage_locations")
    assert all(rule.split(".")[0] in {"core", "inventory", "distribution", "volunteers", "events", "reports"}
               for rule in access_table())


def test_role_of_each_user(coordinator, staff_user, volunteer_user, django_user_model):
    assert role_of(coordinator) == "coordinator"
    assert role_of(staff_user) == "staff"
    assert role_of(volunteer_user) == "volunteer"
    nobody = django_user_model.objects.create_user("nobody", password="x-long-password-1")
    assert role_of(nobody) == ""
    assert has_role(coordinator, "staff"), "the coordinator may do what staff may"
    assert not has_role(staff_user, "coordinator")
    assert not has_role(volunteer_user, "staff")


def test_public_home_needs_no_login(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("login") in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("core:locations", {"coordinator", "staff"}),
        ("core:location_new", {"coordinator", "staff"}),
        ("core:audit_log", {"coordinator"}),
        ("core:api_tokens", {"coordinator"}),
        ("core:centre", {"coordinator"}),
    ],
)
def test_each_role_reaches_only_its_pages(client, coordinator, staff_user, volunteer_user, url_name, allowed):
    url = reverse(url_name)
    assert client.get(url).status_code == 302, "anonymous users are sent to the login page"
    for user in (coordinator, staff_user, volunteer_user):
        client.force_login(user)
        expected = 200 if role_of(user) in allowed else 403
        assert client.get(url).status_code == expected, (user.username, url)


def test_volunteer_navigation_shows_no_office_pages(volunteer_client):
    html = volunteer_client.get("/").content.decode()
    assert reverse("core:audit_log") not in html
    assert reverse("core:locations") not in html


def test_staff_create_and_edit_location_is_audited(staff_client, staff_user):
    response = staff_client.post(reverse("core:location_new"), {
        "name": "Αποθήκη Β", "kind": "store", "address": "Δράμα", "phone": "", "opening_hours": "",
        "is_active": "on",
    })
    assert response.status_code == 302
    location = Location.objects.get(name="Αποθήκη Β")
    staff_client.post(reverse("core:location_edit", args=[location.pk]), {
        "name": "Αποθήκη Β", "kind": "store", "address": "Κάτω Δράμα", "is_active": "on",
    })
    entries = audit_entries_for(location).order_by("id")
    assert [e.action for e in entries] == ["create", "change"]
    assert entries[1].changes["address"] == ["Δράμα", "Κάτω Δράμα"]
    assert entries[1].username == staff_user.username and entries[1].role == "staff"


def test_bad_location_input_gets_a_message_not_a_500(staff_client):
    response = staff_client.post(reverse("core:location_new"), {"name": "", "kind": "nonsense"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Location.objects.count() == 0


def test_list_exports_csv_and_xlsx(staff_client):
    Location.objects.create(name="Παράρτημα Ρομά")
    csv = staff_client.get(reverse("core:locations") + "?_export=csv")
    assert csv.status_code == 200 and "Παράρτημα Ρομά" in csv.content.decode("utf-8")
    xlsx = staff_client.get(reverse("core:locations") + "?_export=xlsx")
    assert xlsx.status_code == 200
    import io

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert "Παράρτημα Ρομά" in [c.value for c in sheet["A"]]
    assert AuditLog.objects.filter(action="export").count() == 2


def test_audit_log_is_readable_filterable_and_never_editable(coordinator_client, coordinator):
    Location.objects.create(name="Χ")
    from core.audit import audit

    audit(AuditLog.Action.VIEW, Location.objects.get(), user=coordinator)
    response = coordinator_client.get(reverse("core:audit_log") + "?action=view")
    assert response.status_code == 200 and "Χ" in response.content.decode()
    entry = AuditLog.objects.get(action="view")
    entry.object_repr = "changed"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_login_and_failed_login_are_audited_and_throttled(client, staff_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "staff1", "password": "wrong"})
    assert AuditLog.every_centre.filter(action="login_failed").count() >= 3
    # Locked out now, even with the right password.
    response = client.post(reverse("login"), {"username": "staff1", "password": "correct-horse-battery-9"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_with_right_password_signs_in(client, staff_user):
    response = client.post(reverse("login"), {"username": "staff1", "password": "correct-horse-battery-9"})
    assert response.status_code == 302
    assert AuditLog.every_centre.filter(action="login", username="staff1").exists()


def test_idle_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_password_reset_sends_an_email(client, staff_user, mailoutbox):
    client.post(reverse("password_reset"), {"email": staff_user.email})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_language_switch_to_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert 'lang="en"' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "el", "next": "/"}, follow=True)
    assert 'lang="el"' in response.content.decode()


def test_health_answers(client, db):
    assert client.get(reverse("core:health")).json() == {"status": "ok"}


def test_coordinator_creates_an_account_with_a_role_and_changes_it(coordinator_client, django_user_model):
    response = coordinator_client.post(reverse("core:user_new"), {
        "username": "eleni", "first_name": "Ελένη", "last_name": "Σαλή", "email": "eleni@example.org",
        "phone": "", "language": "el", "is_active": "on", "role": "volunteer",
    })
    assert response.status_code == 302
    eleni = django_user_model.objects.get(username="eleni")
    assert role_of(eleni) == "volunteer" and not eleni.has_usable_password()
    coordinator_client.post(reverse("core:user_edit", args=[eleni.pk]), {
        "username": "eleni", "first_name": "Ελένη", "last_name": "Σαλή", "email": "eleni@example.org",
        "language": "el", "is_active": "on", "role": "staff",
    })
    eleni = django_user_model.objects.get(username="eleni")
    assert list(eleni.memberships.values_list("role", flat=True)) == ["staff"]
    assert list(eleni.groups.values_list("name", flat=True)) == ["staff"], "the groups mirror the memberships"
    change = audit_entries_for(eleni).filter(action="change", changes__has_key="role").get()  # and "invitation"
    assert change.changes["role"] == ["volunteer", "staff"]
    listing = coordinator_client.get(reverse("core:users") + "?role=staff").content.decode()
    assert "eleni" in listing


def test_staff_cannot_manage_accounts(staff_client):
    assert staff_client.get(reverse("core:users")).status_code == 403
    assert staff_client.post(reverse("core:user_new"), {"username": "x", "role": "coordinator"}).status_code == 403


def test_pages_are_greek_even_when_the_browser_asks_for_english(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="el"' in html and "Επικοινωνία" in html


def test_a_signed_in_users_preferred_language_applies_until_they_switch(client, staff_user):
    staff_user.language = "en"
    staff_user.save()
    client.force_login(staff_user)
    assert 'lang="en"' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "el", "next": "/"})
    assert 'lang="el"' in client.get("/").content.decode()


def test_the_api_answers_in_the_language_the_device_asks_for(client, db):
    assert client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()["message"] == (
        "Sign-in or an API token is required.")
    assert client.get("/api/v1/me").json()["message"] == "Απαιτείται σύνδεση ή διακριτικό API."


@pytest.mark.django_db(transaction=True)
def test_roles_and_reference_data_come_back_after_a_flush():
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= {"coordinator", "staff", "volunteer"}
    assert not Group.objects.filter(permissions__isnull=False).exists()


def test_audit_records_the_client_address_and_ignores_forged_forwarding_headers(client, staff_user):
    client.post(reverse("login"), {"username": "staff1", "password": "correct-horse-battery-9"},
                HTTP_X_FORWARDED_FOR="10.9.9.9", REMOTE_ADDR="192.0.2.7")
    entry = AuditLog.every_centre.get(action="login")
    assert entry.ip_address == "192.0.2.7"
