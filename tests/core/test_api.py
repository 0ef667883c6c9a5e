import pytest
from django.core.management import call_command

from core import services
from core.db import ttl_cache as kept
from core.models import ApiToken, AuditLog
from core.services import create_api_token, forget_tokens, revoke_api_token


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
    forget_tokens()
    with django_assert_num_queries(1):
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.json()["role"] == "coordinator"
    with django_assert_num_queries(0):  # kept by this process for TOKEN_SECONDS
        assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["role"] == "coordinator"


def _later(monkeypatch, seconds):
    now = kept.time.monotonic()
    monkeypatch.setattr(kept.time, "monotonic", lambda: now + seconds)


def test_a_token_revoked_in_another_process_is_refused_within_token_seconds(client, volunteer_user, monkeypatch):
    token, key = create_api_token(volunteer_user, "table 5")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    entries = dict(services._tokens.entries)
    revoke_api_token(token, by=None)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401  # this process
    services._tokens.entries.update(entries)  # as in another worker process, which saw no signal
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    _later(monkeypatch, services.TOKEN_SECONDS + 1)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_each_request_gets_its_own_user_instance(volunteer_user):
    _token, key = create_api_token(volunteer_user, "table 6")
    first, second = services.user_for_token(key), services.user_for_token(key)
    assert first is not second and first.pk == second.pk == volunteer_user.pk
    first.first_name = "Αλλαγμένο"
    assert second.first_name == volunteer_user.first_name
    assert second._kypseli_role == (second._token_centre_id, "volunteer")


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
    forget_tokens()  # the token's answer is kept TOKEN_SECONDS; the last use is checked when it is read again
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
