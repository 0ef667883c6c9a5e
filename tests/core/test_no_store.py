"""Pages and exports with people's data are not kept by browsers or shared caches, and htmx keeps
no page snapshots."""

import pytest
from django.urls import reverse

from core.services import create_api_token
from tests.distribution.factories import household_with_reference

pytestmark = pytest.mark.django_db


def test_personal_pages_and_exports_are_no_store(staff_client):
    household = household_with_reference()
    for url in [reverse("distribution:household", args=[household.pk]), reverse("distribution:households"),
                reverse("distribution:households") + "?_export=csv", reverse("core:home")]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_api_answers_are_no_store_for_devices_too(client, staff_user):
    _token, key = create_api_token(staff_user, "tablet")
    response = client.get("/api/v1/households", {"q": "x"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_pages_tell_htmx_to_keep_no_history_snapshots(staff_client):
    html = staff_client.get(reverse("distribution:households")).content.decode()
    assert '"historyCacheSize": 0' in html
    assert "hx-push-url" not in html  # the live search does not put what was typed in the address


def test_public_pages_keep_their_own_caching(client):
    response = client.get(reverse("events:public_list"))
    assert "no-store" not in response.get("Cache-Control", "")
