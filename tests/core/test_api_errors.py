"""One error shape for /api/ (RFC 9457 problem details, core/problems.py), never an HTML page; the
styled, Greek-first error pages elsewhere (core/views_errors.py); 503 when the database is away."""

import json

import pytest
from django.db import connection
from django.test import Client

from core.services import create_api_token
from tests.factories import UserFactory
from tests.processes import free_port

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "code", "message", "detail"}


def assert_problem(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status and body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def token_client(db):
    user = UserFactory(username="tablet", role="volunteer")
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user, 'tablet')[1]}", HTTP_ACCEPT_LANGUAGE="el")


def test_every_kind_of_error_is_a_problem_in_greek(token_client, client, volunteer_user):
    body = assert_problem(token_client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert body["message"].startswith("Δεν βρέθηκε") and "Not Found" not in json.dumps(body)
    not_allowed = token_client.delete("/api/v1/scans")
    assert_problem(not_allowed, 405, "method_not_allowed")
    assert "POST" in not_allowed["Allow"]
    unauthenticated = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="el")
    assert_problem(unauthenticated, 401, "not_authenticated")
    assert unauthenticated["WWW-Authenticate"].startswith("Bearer")
    malformed = token_client.post("/api/v1/scans", data="{not json", content_type="application/json")
    body = assert_problem(malformed, 400, "malformed_body")
    assert "JSON" in body["message"] and "Cannot parse" not in body["message"]
    invalid = token_client.post("/api/v1/scans", data=json.dumps({"code": "x"}), content_type="application/json")
    body = assert_problem(invalid, 400, "invalid_request")
    assert body["errors"] and "έγκυρο" in body["message"]
    form = token_client.post("/api/v1/scans", data="code=x&day=1", content_type="application/x-www-form-urlencoded")
    assert_problem(form, 415, "unsupported_media_type")
    assert_problem(token_client.get("/api/v1/households"), 403, "forbidden")
    csrf = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="el")
    csrf.force_login(volunteer_user)
    body = assert_problem(csrf.post("/api/v1/scans", data="{}", content_type="application/json"), 403, "csrf_failed")
    assert "CSRF check Failed" not in body["message"] and "CSRF" in body["message"]


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1b[31m", "a\x07"])
def test_control_characters_in_the_path_a_query_or_the_body_are_a_clear_400(token_client, bad):
    """PostgreSQL refuses a NUL in any text: it must never get that far (it answered 500)."""
    from urllib.parse import quote

    expected = "Αφαιρέστε"
    for response in (token_client.get("/api/v1/items/by-code/" + quote(bad)),
                     token_client.get("/api/v1/events", {"category": bad}),
                     token_client.post("/api/v1/scans", data=json.dumps({"code": bad, "day": 1, "station": "T1",
                                                                         "request_id": "12345678"}),
                                       content_type="application/json")):
        body = assert_problem(response, 400, "control_characters")
        assert body["message"].startswith(expected), body["message"]
    # Tab and line breaks are text in a body (multi-line fields), refused by the field where it is one line.
    answer = token_client.post("/api/v1/scans", data=json.dumps({"code": "x\n", "day": 1, "station": "T1",
                                                                 "request_id": "12345678"}),
                               content_type="application/json")
    assert answer.json().get("code") != "control_characters"


def test_an_oversized_body_is_413_without_reading_it(token_client, settings):
    settings.API_MAX_BODY_BYTES = 1024
    big = json.dumps({"code": "x" * 5000, "day": 1, "station": "T", "request_id": "12345678"})
    assert_problem(token_client.post("/api/v1/scans", data=big, content_type="application/json"), 413, "too_large")


def test_the_openapi_document_describes_the_problem_shape_once(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "code", "message"]
    responses = schema["components"]["responses"]
    for name in ("BadRequest", "Unauthorized", "Forbidden", "NotFound", "MethodNotAllowed", "Conflict",
                 "PayloadTooLarge", "UnsupportedMediaType", "UnprocessableContent", "TooManyRequests",
                 "ServiceUnavailable"):
        assert "application/problem+json" in responses[name]["content"]
    assert "Retry-After" in responses["ServiceUnavailable"]["headers"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert "$ref" in answer or "application/problem+json" in answer["content"], (path, status)
            assert {"400", "429", "500", "503"} <= set(operation["responses"]), (method, path)


@pytest.mark.parametrize("path", ["/no-such-page/", "/events/999999/"])
def test_html_404_is_the_styled_greek_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Η σελίδα δεν βρέθηκε" in page and "kypseli.css" in page and 'lang="el"' in page


def test_html_403_page_and_the_csrf_failure_page(volunteer_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(volunteer_user)
    response = browser.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Δεν έχετε πρόσβαση σε αυτή τη σελίδα" in response.content.decode()


def test_the_error_views_answer_in_english_when_asked(client):
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/no-such-page/").content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_503_with_retry_after_when_the_database_is_unreachable(settings):
    """A connection pointed at a port where no PostgreSQL listens: the API says 503 in its shape,
    the pages show the styled "try again shortly" page; neither is a 500."""
    user = UserFactory(username="tablet", role="volunteer")
    token = create_api_token(user, "tablet")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="el", raise_request_exception=False)
    pages = Client(raise_request_exception=False)
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        answer = api.post("/api/v1/scans", data=json.dumps({"code": "x", "day": 1, "station": "T",
                                                            "request_id": "12345678"}),
                          content_type="application/json")
        body = assert_problem(answer, 503, "unavailable")
        assert int(answer["Retry-After"]) >= 1 and "Δοκιμάστε ξανά" in body["message"]
        page = pages.get("/events/")
        assert page.status_code == 503 and int(page["Retry-After"]) >= 1
        assert "Δοκιμάστε ξανά σε λίγο" in page.content.decode()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_503_when_a_statement_times_out(settings):
    """Another connection holds a lock on the cards; the scan's statement times out (57014): 503."""
    import psycopg

    from distribution.models import Card
    from tests.distribution.days_helpers import day_with_basket

    day, _items = day_with_basket()
    user = UserFactory(username="tablet", role="volunteer")
    token = create_api_token(user, "tablet")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)
    s = connection.settings_dict
    other = psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                            password=s["PASSWORD"] or None, dbname=s["NAME"])
    other.execute(f"LOCK TABLE {Card._meta.db_table} IN ACCESS EXCLUSIVE MODE")  # held: a transaction is open
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '300ms'")
        answer = api.post("/api/v1/scans", data=json.dumps({"code": "KC1-AAAAAAAAAAAAAAAA", "day": day.pk,
                                                            "station": "T", "request_id": "12345678"}),
                          content_type="application/json")
        assert_problem(answer, 503, "unavailable")
        assert answer["Retry-After"]
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


def test_a_runaway_token_gets_429_with_retry_after_and_others_do_not(settings):
    settings.API_RATE_LIMIT = "5/m"
    runaway = UserFactory(username="runaway", role="volunteer")
    calm = UserFactory(username="calm", role="volunteer")
    loop = Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(runaway, 'loop')[1]}", HTTP_ACCEPT_LANGUAGE="el")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(calm, 'calm')[1]}")
    assert [loop.get("/api/v1/me").status_code for _ in range(5)] == [200] * 5
    refused = loop.get("/api/v1/me")
    body = assert_problem(refused, 429, "rate_limited")
    assert 1 <= int(refused["Retry-After"]) <= 60 and "αιτήματα" in body["message"]
    # Refused before the token is even looked up: a bad token looping is stopped too.
    assert loop.post("/api/v1/scans", data="{}", content_type="application/json").status_code == 429
    assert other.get("/api/v1/me").status_code == 200


def test_a_distribution_day_never_reaches_the_default_limit(settings):
    """10 tables flat out (a scan every 2 seconds each) on ONE shared token for a minute: 300 requests,
    half the default limit of 600 a minute."""
    assert settings.API_RATE_LIMIT == "600/m"
    user = UserFactory(username="shared", role="volunteer")
    tables = Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user, 'shared')[1]}")
    statuses = {tables.get("/api/v1/me").status_code for _ in range(300)}
    assert statuses == {200}
