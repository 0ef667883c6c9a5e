"""Sessions and accounts: a new session id at sign-in and at a change of role, signing out
everywhere, re-authentication before the most sensitive actions, breached passwords, and failed or
locked sign-ins seen by the coordinator."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditLog
from core.signin.policy import AUTH_AT
from tests.factories import UserFactory
from tests.two_factor import add_app, next_totp_code, require_two_factor, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _stale(client):
    session = client.session
    session[AUTH_AT] = int(time.time()) - 3600
    session.save()


def test_signing_in_gives_a_new_session_id(client, staff_user):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "x" * 32  # a session id planted before sign-in (fixation)
    _sign_in(client, "staff1")
    assert client.cookies["sessionid"].value != "x" * 32
    assert AuditLog.every_centre.filter(action="login", user=staff_user).exists()


def test_failed_sign_in_and_lock_out_are_audited_and_shown_to_the_coordinator(client, staff_user, coordinator,
                                                                              settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _sign_in(client, "staff1", "wrong-password")
    assert _sign_in(client, "staff1").status_code == 429
    assert AuditLog.every_centre.filter(action="login_failed", object_repr="staff1").count() >= 3  # the locked try too
    assert AuditLog.every_centre.filter(action="locked_out", object_repr="staff1").exists()
    desk = client.__class__()
    desk.force_login(coordinator)
    page = desk.get(reverse("security:sign_ins"))
    assert page.status_code == 200
    attempt = page.context["attempts"][0]
    assert attempt["locked"] and attempt["attempt"].username == "staff1"
    assert len(page.context["failed"]) >= 4
    desk.post(reverse("security:unlock"), {"attempt": attempt["attempt"].pk})
    assert _sign_in(client, "staff1").status_code == 302
    assert AuditLog.every_centre.filter(action="change", changes__unlocked=True, user=coordinator).exists()


def test_staff_do_not_see_the_sign_in_failures(staff_client):
    assert staff_client.get(reverse("security:sign_ins")).status_code == 403


def test_sign_out_everywhere_ends_every_session(client, staff_user):
    other = client.__class__()
    _sign_in(client, "staff1")
    _sign_in(other, "staff1")
    response = client.post(reverse("security:sign_out_everywhere"))
    assert response["Location"] == reverse("login")
    for each in (client, other):
        assert "_auth_user_id" not in each.session or each.get(reverse("core:home")).context["user"].is_anonymous
    assert AuditLog.every_centre.filter(action="signed_out_all", user=staff_user).exists()
    assert _sign_in(client, "staff1").status_code == 302  # the password still works


def test_a_change_of_role_ends_the_accounts_sessions(client, coordinator, staff_user):
    other = client.__class__()
    _sign_in(other, "staff1")
    client.force_login(coordinator)
    form = {"username": "staff1", "first_name": "Μαρία", "last_name": "Π", "email": "staff1@example.org",
            "language": "el", "is_active": "on", "role": "volunteer"}
    assert client.post(reverse("core:user_edit", args=[staff_user.pk]), form).status_code == 302
    assert other.get(reverse("core:home")).context["user"].is_anonymous
    assert client.get(reverse("core:users")).status_code == 200  # the coordinator's own session stays


def test_changing_ones_own_role_keeps_the_session_under_a_new_id(client, coordinator):
    client.force_login(coordinator)
    before = client.cookies["sessionid"].value
    form = {"username": "coord", "first_name": "Μαρία", "last_name": "Π", "email": "coord@example.org",
            "language": "el", "is_active": "on", "role": "staff"}
    assert client.post(reverse("core:user_edit", args=[coordinator.pk]), form).status_code == 302
    assert client.cookies["sessionid"].value != before
    assert client.get(reverse("distribution:households")).status_code == 200


@pytest.mark.parametrize("url_name, args", [
    ("core:api_tokens", []), ("core:user_new", []), ("security:settings", []),
])
def test_sensitive_coordinator_pages_ask_who_you_are_after_a_while(client, coordinator, url_name, args):
    client.force_login(coordinator)
    url = reverse(url_name, args=args)
    assert client.get(url).status_code == 200  # just signed in
    _stale(client)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("security:reauthenticate"))
    # Without a second factor: the password.
    assert client.post(response["Location"], {"password": "wrong", "next": url}).status_code == 200
    response = client.post(response["Location"], {"password": PASSWORD, "next": url})
    assert response["Location"] == url
    assert client.get(url).status_code == 200
    assert list(AuditLog.every_centre.filter(user=coordinator, action__in=["login_failed", "reauthenticated"])
                .order_by("id").values_list("action", flat=True)) == ["login_failed", "reauthenticated"]


def test_guessing_the_password_on_the_confirmation_page_locks_out_like_the_sign_in(client, coordinator, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client.force_login(coordinator)
    _stale(client)
    url = reverse("security:reauthenticate")
    for _ in range(3):
        client.post(url, {"password": "guess", "next": "/"})
    assert client.post(url, {"password": PASSWORD, "next": "/"}).status_code == 429
    assert AuditLog.every_centre.filter(action="locked_out", object_repr="coord").exists()


def test_exporting_a_persons_data_and_merging_ask_for_the_second_factor_again(client, staff_user):
    from tests.distribution.factories import household_with_reference

    require_two_factor()
    device = add_app(staff_user)
    household = household_with_reference(first_name="Αϊσέ", last_name="Σαλή")
    person = household.reference_person
    _sign_in(client, "staff1")
    client.post(reverse("security:verify"), {"code": totp_code(device)})
    export = reverse("distribution:person_export", args=[person.pk])
    merge = reverse("distribution:household_merge", args=[household.pk])
    assert client.get(export).status_code == 200
    _stale(client)
    for url in (export, merge):
        assert client.get(url)["Location"].startswith(reverse("security:reauthenticate"))
    response = client.post(reverse("security:reauthenticate"), {"code": next_totp_code(device),
                                                                "next": export})
    assert response["Location"] == export
    assert client.get(export).status_code == 200
    assert client.get(merge).status_code == 200


# Beyond Django's own list of 20,000 common passwords (these pass it): found only in the breached list.
@pytest.mark.parametrize("password", ["iloveyou12345", "monkey12345", "trustno1234", "starwars1977",
                                      "Sunshine2010"])
def test_passwords_known_from_breaches_are_refused(password):
    from django.contrib.auth.password_validation import CommonPasswordValidator

    CommonPasswordValidator().validate(password)  # Django alone would let it through
    with pytest.raises(ValidationError) as error:
        validate_password(password, UserFactory.build(username="someone"))
    assert any(e.code == "password_breached" for e in error.value.error_list)


def test_a_good_password_passes():
    validate_password("ψηλό-βουνό-Δράμα-2026!", UserFactory.build(username="someone"))


def test_setting_a_breached_password_shows_the_reason(client, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "letmein12345", "new_password2": "letmein12345"})
    assert response.status_code == 200
    assert "διαρρεύσει" in str(response.context["form"].errors)  # Greek first


def test_check_deploy_warns_when_production_leaves_staff_without_a_second_factor():
    from tests.core.test_settings_and_commands import PRODUCTION, _manage

    env = {**PRODUCTION, "TWO_FACTOR_ROLES": "coordinator"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0 and "kypseli.W005" in result.stdout + result.stderr


def test_the_second_step_must_stay_in_the_middleware(settings):
    from core.signin.checks import sign_in_problems

    settings.TWO_FACTOR_ROLES = ["staff", "coordinator"]  # the production default (pytest-django runs DEBUG off)
    assert sign_in_problems() == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "core.signin.middleware.SecondFactorMiddleware"]
    assert [p.id for p in sign_in_problems()] == ["kypseli.E005"]
