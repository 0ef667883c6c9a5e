import pytest
from django.core.management import call_command

from core.models import ApiToken, AuditLog
from core.services import create_api_token, revoke_api_token


def test_openapi_document_and_docs_are_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me" in document["paths"]
    assert "BearerToken" in document["components"]["securitySchemes"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200


def test_api_refuses_anonymous_callers(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"]


def test_bearer_token_authenticates_and_is_stored_hashed(client, volunteer_user):
    token, key = create_api_token(volunteer_user, "table 1")
    assert key not in token.key_hash and len(token.key_hash) == 64
    assert not ApiToken.objects.filter(key_hash=key).exists()
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json() == {"username": "vol1", "role": "volunteer", "language": "el"}
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer kyp_wrong").status_code == 401
    revoke_api_token(token, by=None)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_session_authentication_for_the_apps_own_pages(staff_client):
    assert staff_client.get("/api/v1/me").json()["role"] == "staff"


def test_create_api_token_command_prints_the_key_once(volunteer_user, capsys, client):
    call_command("create_api_token", "vol1", "--name", "tablet")
    key = capsys.readouterr().out.strip()
    assert key.startswith("kyp_")
    assert client.get("/api/v1/locations", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert ApiToken.objects.get().name == "tablet"


def test_coordinator_creates_token_in_the_ui_and_sees_it_once(coordinator_client, volunteer_user):
    response = coordinator_client.post("/api-tokens/", {"user": volunteer_user.pk, "name": "τραπέζι 2"})
    html = response.content.decode()
    token = ApiToken.objects.get()
    assert f"kyp_{token.prefix}" in html
    again = coordinator_client.get("/api-tokens/").content.decode()
    assert 'data-testid="new-token"' not in again
    assert AuditLog.objects.filter(action="create", object_id=str(token.pk)).exists()


@pytest.mark.django_db
def test_locations_endpoint_lists_active_ones(client, staff_user):
    from core.models import Location

    Location.objects.create(name="Ενεργός")
    Location.objects.create(name="Κλειστός", is_active=False)
    client.force_login(staff_user)
    assert [row["name"] for row in client.get("/api/v1/locations").json()] == ["Ενεργός"]


def test_a_token_request_finds_token_user_and_role_in_one_query(client, coordinator, django_assert_num_queries):
    _token, key = create_api_token(coordinator, "tablet")
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")  # touches last_used once
    with django_assert_num_queries(1):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.json()["role"] == "coordinator"


def test_a_token_records_its_last_use_at_most_once_a_minute(client, volunteer_user):
    from datetime import timedelta

    from django.utils import timezone

    token, key = create_api_token(volunteer_user, "table 3")
    assert token.last_used_at is None
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)


def test_a_token_of_a_deactivated_user_is_refused_and_the_highest_role_wins(client, volunteer_user):
    from django.contrib.auth.models import Group

    _token, key = create_api_token(volunteer_user, "table 4")
    volunteer_user.groups.add(Group.objects.get(name="staff"))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["role"] == "staff"
    volunteer_user.is_active = False
    volunteer_user.save()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
