"""A centre's coordinator manages her own centre's people (and accounts of no centre yet, to give them a
role): another centre's people and the superusers' accounts answer 404, and are not in her list."""

import pytest
from django.urls import reverse

from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_another_centres_people_and_superusers_are_out_of_a_coordinators_reach(coordinator_client):
    elsewhere = UserFactory(username="kavala-staff", email="k@example.org", role="staff",
                            role__centre=CentreFactory(slug="kavala"))
    elsewhere.set_unusable_password()
    elsewhere.save()
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    for account in (elsewhere, root):
        assert coordinator_client.get(reverse("core:user_edit", args=[account.pk])).status_code == 404
        assert coordinator_client.post(reverse("core:user_edit", args=[account.pk]), {
            "username": account.username, "email": "taken@example.org", "role": "coordinator"}).status_code == 404
        assert coordinator_client.post(reverse("core:user_invite", args=[account.pk])).status_code == 404
    listed = coordinator_client.get(reverse("core:users")).content.decode()
    assert "kavala-staff" not in listed and ">root<" not in listed
    elsewhere.refresh_from_db()
    assert elsewhere.email == "k@example.org" and not elsewhere.is_superuser


def test_a_coordinator_still_manages_her_own_centres_people(coordinator_client):
    own = UserFactory(username="drama-staff", role="staff")
    assert coordinator_client.get(reverse("core:user_edit", args=[own.pk])).status_code == 200
    assert "drama-staff" in coordinator_client.get(reverse("core:users")).content.decode()
