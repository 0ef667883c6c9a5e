"""Role × centre × URL: a person of centre A never reaches centre B's records. Centre B gets the whole demo
(every app's demo data, made inside its scope) and the API walker's little of everything; centre A's
coordinator, staff member and volunteer then open every URL of the URLconf and call every API operation
with centre B's ids in them. Every answer must be 404 (403 where the role is refused before the record is
looked up), never a page or a 5xx, and nothing of centre B may change. A new URL or operation is walked by
itself (tests/walker.py finds them)."""

import json

import pytest
from django.apps import apps
from django.test import Client

from core.services import create_api_token
from core.tenancy import centre_scope, installation_scope
from tests.factories import CentreFactory, UserFactory
from tests.walker import PROJECT_APPS, api_operations, fill_api_path, fill_route, make_page_world, sample, url_patterns

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "staff", "volunteer")
# Logs of attempts: a refused request is audited, by design.
ATTEMPT_LOGS = {"core.AuditLog"}


def _centre_b():
    centre = CentreFactory(name="Κέντρο Κοινότητας Σερρών", short_name="ΚΚ Σερρών", slug="serres")
    with centre_scope(centre):
        make_page_world()
    return centre


def _rows():
    with installation_scope():
        return {model._meta.label: model._base_manager.count() for model in apps.get_models()
                if model._meta.app_label in PROJECT_APPS and model._meta.label not in ATTEMPT_LOGS
                and model._meta.managed and not model._meta.proxy}


@pytest.fixture
def two_centres():
    """Centre B with everything; centre A (the first) with one person of each role, each also a volunteer
    at A (so a volunteer's own pages look the record up rather than refuse her first), and a token each."""
    from tests.volunteers.factories import VolunteerFactory

    b = _centre_b()
    people = {role: UserFactory(username=f"a-{role}", role=role) for role in ROLES}
    for user in people.values():
        VolunteerFactory(user=user)
    tokens = {role: create_api_token(user, "walk")[1] for role, user in people.items()}
    return b, people, tokens


def _acceptable(role, status):
    return status == 404 or (role != "coordinator" and status in (403, 302))


def test_no_page_of_another_centre_opens_for_any_role(two_centres):
    b, people, _tokens = two_centres
    before = _rows()
    walked, failures = 0, []
    clients = {}
    for role, user in people.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    for name, route, _pattern in url_patterns():
        if "<int:" not in route or name.startswith("admin:"):
            continue
        app_label = name.split(":")[0] if ":" in name else "core"
        with centre_scope(b):
            url = fill_route(route, app_label, others=True)
        if url is None:
            failures.append(f"{name}: centre B has no record for {route} (give the demo or the walker one)")
            continue
        walked += 1
        for role, client in clients.items():
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status == 405:
                    continue
                if not _acceptable(role, status):
                    failures.append(f"{role} {method.upper()} {url} ({name}): {status}")
    assert walked > 100, "the walk found the URLconf's addresses with ids"
    assert not failures, "\n".join(failures)
    assert _rows() == before, "nothing of centre B changed"


def test_no_api_operation_reaches_another_centre_for_any_role(two_centres, client):
    b, _people, tokens = two_centres
    before = _rows()
    walked, failures = 0, []
    for operation in api_operations(client):
        if not operation.parameters("path") or operation.public:
            continue
        with centre_scope(b):
            path = fill_api_path(operation)
            body = sample(operation.body_schema(), operation.document) if operation.body_schema() else None
        if path is None:
            failures.append(f"{operation.method} {operation.path}: centre B has no record to name")
            continue
        walked += 1
        for role, token in tokens.items():
            response = client.generic(operation.method, path, data=b"" if body is None else json.dumps(body),
                                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
            if not (response.status_code == 404 or (role != "coordinator" and response.status_code == 403)):
                failures.append(f"{role} {operation.method} {path}: {response.status_code}")
    assert walked > 10, "the walk found the API's operations with ids"
    assert not failures, "\n".join(failures)
    assert _rows() == before, "nothing of centre B changed"
