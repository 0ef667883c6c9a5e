"""Second factors: enrolment, the second step with each factor, recovery codes, trusted devices,
what a session waiting for its factor may reach, and the coordinator's reset."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditLog, RecoveryCode, RecoveryCodes, SecurityPolicy
from tests.factories import UserFactory
from tests.two_factor import add_app, require_two_factor, totp_code, verified_login

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def _sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _no_wait(device):
    """After a wrong code django-otp makes the device wait (1 s, then 2, 4…: tested below)."""
    type(device).objects.get(pk=device.pk).throttle_reset()


def _actions(user):
    return list(AuditLog.every_centre.filter(user=user).order_by("id").values_list("action", flat=True))


def test_development_default_asks_nobody_and_production_default_asks_staff_and_coordinators(settings):
    assert settings.TWO_FACTOR_ROLES == []  # the tests run with the development settings
    policy = SecurityPolicy.current()
    assert not policy.staff_two_factor and not policy.coordinator_two_factor
    settings.TWO_FACTOR_ROLES = ["staff", "coordinator"]
    policy = SecurityPolicy.current()
    assert policy.staff_two_factor and policy.coordinator_two_factor and policy.trusted_device_days == 0


def test_without_the_rule_a_password_is_enough(client, staff_user):
    response = _sign_in(client, "staff1")
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_first_sign_in_after_the_rule_enrols_an_app_and_gets_recovery_codes(client, staff_user):
    require_two_factor()
    assert _sign_in(client, "staff1").status_code == 302
    # Every page leads to enrolment first; the API does not take the session either.
    response = client.get(reverse("distribution:households"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("security:enrol"))
    assert client.get("/api/v1/me").status_code == 401
    client.post(reverse("security:enrol"), {"action": "start"})
    page = client.get(reverse("security:enrol"))
    assert b"<svg" in page.content  # the QR code, drawn in the page (no image from elsewhere)
    device = TOTPDevice.objects.get(user=staff_user, confirmed=False)
    assert client.post(reverse("security:enrol"), {"action": "confirm", "code": "000000"}).status_code == 200
    _no_wait(device)
    response = client.post(reverse("security:enrol"), {"action": "confirm", "code": totp_code(device)})
    codes = re.findall(r"<code>([a-z2-7-]{19})</code>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("distribution:households")).status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert {"factor_added", "factor_verified"} <= set(_actions(staff_user))


def test_sign_in_with_an_app_code(client, staff_user):
    require_two_factor()
    device = add_app(staff_user)
    _sign_in(client, "staff1")
    response = client.get(reverse("distribution:households"))
    assert response["Location"].startswith(reverse("security:verify"))
    response = client.post(reverse("security:verify"), {"code": "123456", "next": "/distribution/households/"})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    _no_wait(device)
    session_before = client.cookies["sessionid"].value
    response = client.post(reverse("security:verify"), {"code": totp_code(device), "next": "/distribution/households/"})
    assert response.status_code == 302 and response["Location"] == "/distribution/households/"
    assert client.cookies["sessionid"].value != session_before  # a step up in privilege: a new session id
    assert client.get(reverse("distribution:households")).status_code == 200
    assert _actions(staff_user)[-2:] == ["factor_failed", "factor_verified"]


def test_the_same_app_code_is_not_taken_twice(client, staff_user):
    require_two_factor()
    device = add_app(staff_user)
    code = totp_code(device)
    _sign_in(client, "staff1")
    assert client.post(reverse("security:verify"), {"code": code}).status_code == 302
    other = client.__class__()
    _sign_in(other, "staff1")
    assert other.post(reverse("security:verify"), {"code": code}).status_code == 200  # replayed: refused


def test_a_redirect_after_the_second_step_stays_on_the_site(client, staff_user):
    require_two_factor()
    device = add_app(staff_user)
    _sign_in(client, "staff1")
    response = client.post(reverse("security:verify"), {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")


def test_each_recovery_code_works_once(client, staff_user):
    from core.signin.services import new_recovery_codes

    require_two_factor()
    add_app(staff_user)
    codes = new_recovery_codes(staff_user, by=staff_user)
    shown = "-".join(codes[0][i:i + 4] for i in range(0, 16, 4)).upper()  # as printed, typed in capitals
    _sign_in(client, "staff1")
    assert client.post(reverse("security:verify"), {"code": shown}).status_code == 302
    assert RecoveryCodes.objects.get(user=staff_user).codes.count() == 9
    client.post(reverse("logout"))
    _sign_in(client, "staff1")
    assert client.post(reverse("security:verify"), {"code": codes[0]}).status_code == 200  # spent
    _no_wait(RecoveryCodes.objects.get(user=staff_user))
    assert client.post(reverse("security:verify"), {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_end_the_old_ones(client, staff_user):
    from core.signin.services import new_recovery_codes

    old = new_recovery_codes(staff_user, by=staff_user)
    new = new_recovery_codes(staff_user, by=staff_user)
    assert not set(old) & set(new)
    rows = list(RecoveryCodes.objects.get(user=staff_user).codes.all())

    def kept(code):
        return any(RecoveryCode.hashed(row.salt, code) == row.digest for row in rows)

    assert not any(kept(code) for code in old) and all(kept(code) for code in new)


def test_recovery_codes_are_kept_only_as_salted_hashes(staff_user):
    from core.signin.services import new_recovery_codes

    codes = new_recovery_codes(staff_user, by=staff_user)
    assert len(set(codes)) == 10 and all(len(code) == 16 for code in codes)  # 80 random bits each
    rows = RecoveryCode.objects.filter(codes__user=staff_user)
    stored = {value for row in rows for value in (row.salt, row.digest)}
    assert not stored & set(codes)
    assert len({row.salt for row in rows}) == 10  # a salt of its own each


def test_too_many_wrong_codes_pause_the_second_step(client, staff_user):
    require_two_factor()
    device = add_app(staff_user)
    _sign_in(client, "staff1")
    for _ in range(3):
        client.post(reverse("security:verify"), {"code": "000000"})
    response = client.post(reverse("security:verify"), {"code": totp_code(device)})
    assert response.status_code == 200  # throttled: even the right code waits
    assert "περιμένετε" in str(response.context["form"].errors["code"])  # "wait"
    assert AuditLog.every_centre.filter(user=staff_user, action="factor_failed").count() == 4


def test_volunteers_keep_their_quick_sign_in(client, volunteer_user):
    require_two_factor()
    assert _sign_in(client, "vol1").status_code == 302
    assert client.get(reverse("volunteers:me")).status_code == 200


def test_volunteers_sign_in_link_needs_no_second_factor(client):
    from tests.volunteers.factories import VolunteerFactory
    from volunteers.services import signin

    require_two_factor()
    volunteer = VolunteerFactory()
    token = re.search(r"/sign-in/([^/]+)/", signin.create_signin_link(volunteer.user)).group(1)
    assert client.post(reverse("volunteers:signin_link", args=[token]))["Location"] == reverse("volunteers:me")
    assert client.get(reverse("volunteers:me")).status_code == 200


def test_coordinators_and_administrators_follow_the_coordinator_rule(client, coordinator):
    require_two_factor(staff=False, coordinator=True)
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    for user in (coordinator, admin):
        client.force_login(user)
        assert client.get(reverse("core:users"))["Location"].startswith(reverse("security:enrol"))
    staff = UserFactory(username="staff2", role="staff")
    client.force_login(staff)
    assert client.get(reverse("distribution:households")).status_code == 200


def test_someone_with_a_factor_cannot_add_another_before_the_second_step(client, staff_user):
    require_two_factor()
    add_app(staff_user)
    _sign_in(client, "staff1")
    response = client.post(reverse("security:enrol"), {"action": "start"})
    assert response["Location"].startswith(reverse("security:verify"))
    assert TOTPDevice.objects.filter(user=staff_user).count() == 1
    assert client.post(reverse("security:recovery_codes"))["Location"].startswith(
        reverse("security:verify"))  # by way of the re-authentication page, which waits for the factor too


def test_trusted_device_is_off_by_default_and_works_when_the_coordinator_allows_it(client, staff_user):
    require_two_factor()
    device = add_app(staff_user)
    _sign_in(client, "staff1")
    page = client.get(reverse("security:verify"))
    assert "trust" not in page.context["form"].fields
    require_two_factor(trusted_days=7)
    response = client.post(reverse("security:verify"), {"code": totp_code(device), "trust": "on"})
    assert "kypseli_trusted_device" in response.cookies
    client.post(reverse("logout"))
    _sign_in(client, "staff1")
    assert client.get(reverse("distribution:households")).status_code == 200  # no second step on this browser
    entry = AuditLog.every_centre.filter(user=staff_user, action="factor_verified").latest("id")
    assert entry.changes["trusted_device"] is True
    # Turned off again by the coordinator: the cookie no longer counts.
    require_two_factor(trusted_days=0)
    client.post(reverse("logout"))
    _sign_in(client, "staff1")
    assert client.get(reverse("distribution:households"))["Location"].startswith(reverse("security:verify"))


def test_coordinator_resets_a_lost_factor_and_the_person_enrols_again(client, coordinator, staff_user):
    from core.signin.services import new_recovery_codes

    require_two_factor()
    add_app(staff_user)
    new_recovery_codes(staff_user, by=staff_user)
    lost = client.__class__()
    _sign_in(lost, "staff1")
    verified_login(client, coordinator)
    url = reverse("security:reset_account", args=[staff_user.pk])
    assert client.post(url).status_code == 200  # asks first
    assert TOTPDevice.objects.filter(user=staff_user).exists()
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert not RecoveryCodes.objects.filter(user=staff_user).exists()
    entry = AuditLog.every_centre.get(action="factor_reset")
    assert entry.user == coordinator and entry.object_id == str(staff_user.pk)
    # The person's open session ended; at the next sign-in they enrol again.
    assert lost.get(reverse("core:home")).context["user"].is_anonymous
    _sign_in(lost, "staff1")
    assert lost.get(reverse("core:home"))["Location"].startswith(reverse("security:enrol"))


def test_only_the_coordinator_resets_factors_or_sets_the_rules(client, staff_user, coordinator):
    client.force_login(staff_user)
    assert client.get(reverse("security:settings")).status_code == 403
    reset = reverse("security:reset_account", args=[coordinator.pk])
    assert client.post(reset, {"confirmed": "yes"}).status_code == 403


def test_the_coordinator_sets_the_rules_and_it_is_audited(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("security:settings"), {"staff_two_factor": "on", "trusted_device_days": "0"})
    assert response.status_code == 302
    policy = SecurityPolicy.objects.get()
    assert policy.staff_two_factor and not policy.coordinator_two_factor
    assert AuditLog.every_centre.filter(action="create", object_repr=str(policy)).exists()
    response = client.post(reverse("security:settings"), {"trusted_device_days": "365"})
    assert response.status_code == 200 and "trusted_device_days" in response.context["form"].errors


def test_sessions_confirmed_in_tests_reach_pages_and_the_api_as_before(client, coordinator, staff_user):
    require_two_factor()
    for user, url in ((coordinator, reverse("core:users")), (staff_user, reverse("distribution:households"))):
        verified_login(client, user)
        assert client.get(url).status_code == 200
        assert client.get("/api/v1/me").json()["username"] == user.username


def test_a_person_removes_a_factor_but_keeps_one_when_the_rule_needs_it(client, staff_user):
    require_two_factor()
    device = verified_login(client, staff_user)
    url = reverse("security:remove_factor")
    client.post(url, {"kind": "totp", "device": device.pk})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()  # the only one: kept
    second = add_app(staff_user)
    assert client.post(url, {"kind": "totp", "device": "x"}).status_code == 404
    client.post(url, {"kind": "totp", "device": device.pk})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert TOTPDevice.objects.filter(pk=second.pk).exists()
    assert AuditLog.every_centre.filter(action="factor_removed", changes__factor="totp").exists()


def test_the_person_is_told_by_email_of_every_change_of_their_factors(staff_user, coordinator, mailoutbox,
                                                                        django_capture_on_commit_callbacks):
    from core.signin.services import new_recovery_codes, reset_factors

    with django_capture_on_commit_callbacks(execute=True):
        new_recovery_codes(staff_user, by=staff_user)
        reset_factors(staff_user, by=coordinator)
    assert [message.to for message in mailoutbox] == [[staff_user.email]] * 2
    assert "συντονίστρια" in mailoutbox[1].body  # in the person's language, Greek
    assert "κωδικοί ανάκτησης" in mailoutbox[0].body.lower()
