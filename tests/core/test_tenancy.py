"""Many centres: a centre's records are read only inside its scope, people work in the centres they
belong to with the role they hold there, and a device token works for its own centre."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.forms import LocationForm
from core.memberships import set_role
from core.models import ApiToken, AuditLog, Centre, Location, Membership, Municipality, Oversight, Region
from core.roles import role_of
from core.services import create_api_token
from core.tenancy import (
    EVERY_CENTRE,
    SESSION_KEY,
    ScopeError,
    centre_scope,
    installation_scope,
    scope,
    scopes_disabled,
)
from tests.factories import CentreFactory, LocationFactory, UserFactory

# Built at import, outside any scope, as a form's choices are: valid, and evaluated in the scope of
# whoever uses it.
ACTIVE_LOCATIONS = Location.objects.filter(is_active=True)


@pytest.fixture
def other_centre(db):
    return CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")


@pytest.fixture
def two_centres(centre, other_centre):
    here = LocationFactory(name="Αποθήκη")
    with centre_scope(other_centre):
        there = LocationFactory(name="Αποθήκη")  # the same name: unique per centre, not across
    return here, there


@pytest.mark.unscoped
@pytest.mark.django_db
def test_reading_a_centres_records_outside_any_scope_fails_loudly():
    queryset = Location.objects.filter(is_active=True)  # building it is fine
    for read in (lambda: list(queryset), queryset.count, queryset.exists, lambda: queryset.first(),
                 lambda: Location.objects.get(pk=1), lambda: list(ApiToken.objects.all()),
                 lambda: Location.objects.update(is_active=False), lambda: Location.objects.all().delete(),
                 lambda: list(Centre.objects.filter(pk__in=Location.objects.values("centre_id")))):
        with pytest.raises(ScopeError):
            read()
    with pytest.raises(ScopeError):
        Centre.current()
    with scopes_disabled():  # said explicitly: every centre's rows
        assert Location.objects.count() == 0


def test_a_scope_sees_and_changes_only_its_own_centres_rows(two_centres, centre, other_centre):
    here, there = two_centres
    assert list(ACTIVE_LOCATIONS.all()) == [here]  # a form copies its choices per use
    assert Location.objects.count() == 1 and Location.objects.get(name="Αποθήκη") == here
    with pytest.raises(Location.DoesNotExist):
        Location.objects.get(pk=there.pk)
    # As a subquery too, and in writes: another centre's rows are out of reach.
    assert list(Centre.objects.filter(pk__in=Location.objects.values("centre_id"))) == [centre]
    assert Location.objects.update(phone="2521000000") == 1
    with scopes_disabled():
        assert Location.objects.get(pk=there.pk).phone == ""
    with centre_scope(other_centre):
        assert list(ACTIVE_LOCATIONS.all()) == [there] and Centre.current() == other_centre
        assert Location.objects.filter(pk=here.pk).delete()[0] == 0
    with installation_scope():
        assert Location.objects.count() == 2
    with scope(centre=EVERY_CENTRE):  # manage.py's commands run by hand
        assert Location.objects.count() == 2 and Centre.current() == centre
        assert Location().centre_id is None, "a new row names its centre itself"
    assert here.centre == centre and there.centre == other_centre  # a foreign key reaches its row as before


def test_location_names_are_unique_within_a_centre(two_centres):
    form = LocationForm({"name": "Αποθήκη", "kind": "store"})
    assert not form.is_valid() and "Το κέντρο έχει ήδη χώρο με αυτό το όνομα." in str(form.errors)
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(name="Αποθήκη")


def test_role_is_the_one_held_at_the_current_centre(centre, other_centre):
    user = UserFactory(role="staff")
    assert role_of(user) == "staff"
    with centre_scope(other_centre):
        assert role_of(user) == ""
        set_role(user, other_centre, "volunteer")
        assert role_of(user) == "volunteer"
    assert role_of(user) == "staff"
    assert set(user.groups.values_list("name", flat=True)) == {"staff", "volunteer"}, "groups mirror the roles"
    set_role(user, centre, "")
    assert role_of(user) == "" and list(user.groups.values_list("name", flat=True)) == ["volunteer"]


def test_code_that_still_writes_groups_gives_a_role_at_the_current_centre(centre, other_centre):
    user = UserFactory()
    with centre_scope(other_centre):
        user.groups.add(Group.objects.get(name="volunteer"))
    assert list(Membership.objects.filter(user=user).values_list("centre_id", "role")) == [
        (other_centre.pk, "volunteer")]
    with centre_scope(other_centre):
        user.groups.clear()
    assert not Membership.objects.filter(user=user).exists()


def test_a_regional_role_holds_no_role_at_any_centre(client, centre):
    region = Region.objects.create(name="Ανατολική Μακεδονία και Θράκη")
    municipality = Municipality.objects.create(region=region, name="Δήμος Δράμας")
    person = UserFactory(username="region1")
    Oversight.objects.create(user=person, region=region)
    with pytest.raises(IntegrityError), transaction.atomic():
        Oversight.objects.create(user=person, region=region, municipality=municipality)
    assert role_of(person) == ""
    client.force_login(person)
    assert client.get(reverse("core:locations")).status_code == 403
    assert client.get(reverse("core:users")).status_code == 403


def test_a_member_of_one_centre_cannot_switch_to_another(client, two_centres, other_centre):
    staff = UserFactory(role="staff")
    client.force_login(staff)
    page = client.get(reverse("core:locations")).content.decode()
    assert 'data-testid="centre-switch"' not in page, "one centre: no switcher"
    response = client.post(reverse("core:switch_centre"), {"centre": other_centre.pk})
    assert response.status_code == 404
    assert client.post(reverse("core:switch_centre"), {"centre": "x"}).status_code == 404
    assert client.get(reverse("core:switch_centre")).status_code == 405
    assert client.session.get(SESSION_KEY) is None


def test_a_person_of_two_centres_switches_and_works_with_her_role_there(client, two_centres, centre, other_centre):
    here, there = two_centres
    person = UserFactory(role="staff")
    set_role(person, other_centre, "volunteer")
    client.force_login(person)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("core:locations")).content.decode()
    assert 'data-testid="centre-switch"' in page and "Κέντρο Κοινότητας Καβάλας" in page
    assert f"/locations/{here.pk}/" in page and f"/locations/{there.pk}/" not in page
    response = client.post(reverse("core:switch_centre"), {"centre": other_centre.pk})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.session[SESSION_KEY] == other_centre.pk
    assert client.get(reverse("core:location_new")).status_code == 403, "a volunteer there"
    assert client.get("/api/v1/locations").json()[0]["id"] == there.pk
    assert client.get("/api/v1/me").json()["role"] == "volunteer"
    assert client.cookies["django_language"].value == "en", "the switch keeps the person's choices"
    entry = AuditLog.objects.filter(content_type__model="centre", object_id=str(other_centre.pk)).get()
    assert entry.user == person and "switched centre" in entry.changes
    # Removed from a centre: back to her other one at the next request, without an error.
    set_role(person, other_centre, "")
    assert client.get(reverse("core:location_new")).status_code == 200


def test_an_api_token_works_for_its_own_centre(client, two_centres, other_centre):
    here, there = two_centres
    person = UserFactory(role="staff")
    set_role(person, other_centre, "volunteer")
    with centre_scope(other_centre):
        token, key = create_api_token(person, "τραπέζι 1")
    assert token.centre == other_centre
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert [row["id"] for row in client.get("/api/v1/locations", **auth).json()] == [there.pk]
    assert client.get("/api/v1/me", **auth).json()["role"] == "volunteer"
    # The coordinator of the first centre does not see, nor revoke, the other centre's token.
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    other_centre.is_active = False
    other_centre.save()
    from core.services import forget_tokens

    forget_tokens()
    assert client.get("/api/v1/me", **auth).status_code == 401, "a closed centre's devices stop"


@pytest.mark.unscoped
@pytest.mark.django_db
def test_a_periodic_job_runs_over_every_centre_and_a_forgotten_scope_fails(centre, other_centre):
    from django.core.management import call_command

    from core.tasks import run_command
    from inventory.models import StockLevel
    from tests.inventory.factories import ItemFactory

    for here in (centre, other_centre):
        with centre_scope(here):  # a level without its ledger: check_stock names the location
            StockLevel.objects.create(item=ItemFactory(), location=LocationFactory(name=f"Αποθήκη {here.slug}"),
                                      quantity=5)
    with pytest.raises(ScopeError):
        call_command("check_stock")  # outside any scope: loudly, not every centre's rows by accident
    UserFactory(username="coord2", role="coordinator", role__centre=other_centre)
    UserFactory(username="admin2", is_superuser=True, is_staff=True)
    with pytest.raises(Exception, match="2 levels differ") as failed:
        run_command.call("check_stock", [])  # the worker's job: explicitly over every centre
    assert failed.type.__name__ == "CommandError"
    from core.models import OutboundMessage

    # The installation's administrators are told, not one centre's coordinator: the output names the
    # places of every centre. The message is the installation's (no centre's).
    told = OutboundMessage.every_centre.get(kind="job_failed")
    assert told.recipient == "admin2@example.org" and told.centre_id is None and "Αποθήκη kavala" in told.text
