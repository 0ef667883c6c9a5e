"""Sign-in rules per centre: each centre's coordinator sets her own centre's rules, and a person signs in
under the strictest rules of the centres she belongs to. Centre B's coordinator tries to weaken centre
A's rules, for A's people and for the people the two centres share, and cannot."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.memberships import set_role
from core.models import Centre, SecurityPolicy
from core.signin.policy import rules_for
from core.tenancy import centre_scope, scopes_disabled
from tests.factories import CentreFactory, UserFactory
from tests.two_factor import add_app, require_two_factor, verified_login

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def centre_b():
    return CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")


@pytest.fixture
def coordinator_b(centre_b):
    return UserFactory(username="coord-b", role="coordinator", role__centre=centre_b)


def _policies():
    with scopes_disabled():
        return {p.centre_id: (p.staff_two_factor, p.coordinator_two_factor, p.trusted_device_days)
                for p in SecurityPolicy.objects.all()}


def test_centre_b_coordinator_saves_only_her_own_centres_rules(client, centre_b, coordinator_b):
    first = Centre.current()
    require_two_factor(trusted_days=0)
    client.force_login(coordinator_b)
    page = client.get(reverse("security:settings"))
    assert page.status_code == 200 and "Καβάλας" in page.content.decode()
    assert not page.context["form"].initial["staff_two_factor"]  # B's own (the defaults), not A's
    response = client.post(reverse("security:settings"), {"trusted_device_days": "90"})
    assert response.status_code == 302
    assert _policies() == {first.pk: (True, True, 0), centre_b.pk: (False, False, 90)}
    # She cannot move into centre A to edit its rules there.
    assert client.post(reverse("core:switch_centre"), {"centre": first.pk}).status_code == 404
    client.post(reverse("security:settings"), {"trusted_device_days": "0"})
    assert _policies()[first.pk] == (True, True, 0)


def test_a_person_of_two_centres_signs_in_under_the_stricter_rules(client, centre_b, coordinator_b):
    require_two_factor(staff=True, coordinator=False, trusted_days=0)  # centre A: staff need a factor
    shared = UserFactory(username="shared", role="staff")
    set_role(shared, centre_b, "staff")
    with centre_scope(centre_b):  # centre B asks nothing and trusts devices for 90 days
        SecurityPolicy.objects.create(staff_two_factor=False, coordinator_two_factor=False, trusted_device_days=90)
    assert rules_for(shared) == rules_for(UserFactory(username="only-a", role="staff"))
    assert rules_for(shared).two_factor and rules_for(shared).trusted_device_days == 0
    only_b = UserFactory(username="only-b", role="staff", role__centre=centre_b)
    assert not rules_for(only_b).two_factor and rules_for(only_b).trusted_device_days == 90
    # Signed in and working at centre B, she still gives her second factor.
    add_app(shared)
    assert client.post(reverse("login"), {"username": "shared", "password": PASSWORD}).status_code == 302
    client.post(reverse("core:switch_centre"), {"centre": centre_b.pk})
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("security:verify"))
    assert client.get(reverse("security:verify")).context["form"].fields.keys() == {"code"}  # no "trust"


def test_a_role_that_needs_no_factor_at_one_centre_needs_it_where_it_is_asked(centre_b):
    require_two_factor(staff=False, coordinator=True)  # centre A asks its coordinators only
    person = UserFactory(username="both", role="staff")  # staff at A: nothing asked there
    assert not rules_for(person).two_factor
    set_role(person, centre_b, "coordinator")
    with centre_scope(centre_b):
        SecurityPolicy.objects.create(coordinator_two_factor=True)
    person.refresh_from_db()
    assert rules_for(person).two_factor  # B asks its coordinators, and she is one there


def test_an_administrator_signs_in_under_every_centres_rules(centre_b):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert not rules_for(admin).two_factor
    with centre_scope(centre_b):
        SecurityPolicy.objects.create(coordinator_two_factor=True)
    assert rules_for(admin).two_factor


def test_centre_b_coordinator_cannot_reset_centre_a_peoples_factors(client, staff_user, coordinator_b):
    device = add_app(staff_user)
    verified_login(client, coordinator_b)
    page = client.get(reverse("security:settings"))
    assert "staff1" not in page.content.decode()
    reset = reverse("security:reset_account", args=[staff_user.pk])
    assert client.post(reset, {"confirmed": "yes"}).status_code == 404
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_new_centres_rules_get_their_own_row(centre_b):
    require_two_factor()
    with centre_scope(centre_b):
        SecurityPolicy.objects.create(staff_two_factor=True)
        assert SecurityPolicy.current().staff_two_factor and not SecurityPolicy.current().coordinator_two_factor
    assert SecurityPolicy.current().coordinator_two_factor


def test_centre_b_coordinator_neither_sees_nor_unlocks_centre_a_sign_in_failures(client, staff_user, coordinator_b,
                                                                                settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "staff1", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "nobody-here", "password": "wrong-password"})
    desk = client.__class__()
    desk.force_login(coordinator_b)
    page = desk.get(reverse("security:sign_ins"))
    assert page.status_code == 200 and not page.context["attempts"] and not list(page.context["failed"])
    from axes.models import AccessAttempt

    locked = AccessAttempt.objects.get(username="staff1")
    assert desk.post(reverse("security:unlock"), {"attempt": locked.pk}).status_code == 404
    assert AccessAttempt.objects.filter(pk=locked.pk).exists()
