"""The ESF+ figures over the API: the same numbers as the report, staff only, in the OpenAPI document."""

import pytest

from core.services import create_api_token

from .factories import known_data

URL = "/api/v1/reports/esf"


@pytest.fixture
def data(db):
    return known_data()


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user, 'device')[1]}"}


def test_openapi_lists_the_esf_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths[URL]
    parameters = {p["name"] for p in paths[URL]["get"]["parameters"]}
    assert {"start", "end", "programme", "location"} <= parameters


def test_staff_token_reads_the_figures_of_the_report(client, staff_user, data):
    response = client.get(URL, {"start": "2026-03-01", "end": "2026-03-31", "programme": data.programme.pk},
                          **bearer(staff_user))
    assert response.status_code == 200, response.content
    body = response.json()
    figures = {f["key"]: f for f in body["figures"]}
    # The numbers of tests/reports/test_esf.py: money and tonnes as exact decimal strings.
    assert figures["value.total"]["value"] == "19.55" and figures["value.total"]["unit"] == "eur"
    assert figures["value.goods.children"]["value"] == "8.50"
    assert figures["food.tonnes"]["value"] == "0.007090"
    assert figures["people.food"]["value"] == 4 and figures["people.food"]["not_declared"] is None
    assert (figures["people.material.children"]["value"], figures["people.material.children"]["not_declared"]) \
        == (1, 1)
    assert figures["households"]["value"] == 4
    assert {g["code"]: g["eur"] for g in body["food_groups"]} == {"starch": "4.90", "milk": "2.85"}
    assert body["third_country_nationalities"] == ["Αλβανία", "Συρία"]
    assert (body["start"], body["end"], body["programme"], body["location"]) == \
        ("2026-03-01", "2026-03-31", data.programme.pk, None)
    assert len(body["footnotes"]) >= 6


def test_session_of_staff_works_too(staff_client, data):
    response = staff_client.get(URL, {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    # Without the programme filter H5's rice on the other programme's day counts as well.
    assert {f["key"]: f["value"] for f in response.json()["figures"]}["value.food"] == "19.75"


def test_only_staff(client, volunteer_user, data):
    assert client.get(URL).status_code == 401
    assert client.get(URL, **bearer(volunteer_user)).status_code == 403


def test_a_backwards_period_is_a_422_and_a_bad_date_a_400(client, staff_user, data):
    response = client.get(URL, {"start": "2026-03-31", "end": "2026-03-01"}, **bearer(staff_user))
    assert response.status_code == 422 and response.json()["message"]
    assert client.get(URL, {"start": "not a date"}, **bearer(staff_user)).status_code == 400
    assert client.get(URL, {"start": "0"}, **bearer(staff_user)).status_code == 400  # not seconds since 1970
    # A location or programme that does not exist: 404, not a malformed request.
    assert client.get(URL, {"location": 2**62}, **bearer(staff_user)).status_code == 404
    assert client.get(URL, {"location": 2**64}, **bearer(staff_user)).status_code == 400  # beyond 64 bits
