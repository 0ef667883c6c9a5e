"""Distribution belongs to a centre: a person of one centre never reaches another centre's households,
people, cards, programmes, days, collections, hand-outs, needs or imports (each answers 404, on pages and
in the API), the lists and reports leave them out, another centre's card scanned at a table is simply
unknown, and nothing of the other centre changes. The scan costs no query more."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.services import create_api_token, forget_tokens
from core.tenancy import centre_scope, installation_scope
from distribution.models import (
    AuthorisedCollector,
    Card,
    Collection,
    DistributionDay,
    Handout,
    Household,
    HouseholdNeed,
    ImportJob,
    Need,
    Person,
    Programme,
    Scan,
)
from distribution.selectors.reporting import Period, households_counted, recipient_counts
from distribution.services.scans import ScanRequestError, record_scan
from tests.factories import CentreFactory, LocationFactory, UserFactory

from .days_helpers import collector, day_with_basket, household, open_around_now, programme

pytestmark = pytest.mark.django_db

# Statements of an API scan with a device token (201, the token and the plan already kept by the process):
# measured on the single-centre code (main before the sweep) and after it, the same: 6 on PostgreSQL, 8 on
# SQLite (the savepoint and its release around the scan's 4 and 6 statements: services/scans.py).
SCAN_QUERIES = {"postgresql": 6, "sqlite": 8}


@pytest.fixture
def elsewhere():
    """Centre B's programme, day, household (members, collector, card, need), collection, scan, hand-out
    and import, all named «Καβάλας»."""
    other = CentreFactory(name="Κέντρο Κοινότητας Καβάλας", slug="kavala")
    with centre_scope(other):
        worker = UserFactory(role="staff", role__centre=other, username="kavala-staff")
        prog = programme(name="Πρόγραμμα Καβάλας", code="kea-basic")  # the same code as a centre A programme may have
        day, items = day_with_basket(prog=prog, location=LocationFactory(name="Αίθουσα Καβάλας"))
        hh, card, code = household(prog, size=1, first_name="Καβαλιώτισσα", last_name="Καβάλας")
        hh.address, hh.import_reference = "Οδός Καβάλας 1", "KEA-1"
        hh.save()
        person = hh.members.get()
        person.amka = "01018012346"
        person.save()
        helper = collector(hh, name="Γειτόνισσα Καβάλας")
        answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()), by=worker)
        assert answer.status == 201, answer.body
        handout = Handout.objects.create(kind="walk_in", location=day.location, date=day.date, at=timezone.now(),
                                         by=worker, people=1, reason="πυρκαγιά στην Καβάλα")
        need = Need.objects.create(code="no-pork", name_el="Χωρίς χοιρινό Καβάλας")
        record = HouseholdNeed.objects.create(household=hh, person=person, need=need, legal_basis="public_task")
        job = ImportJob.objects.create(filename="kavala.csv", status="done")
        for row in (prog, day, hh, person, card, helper, Collection.objects.get(), Scan.objects.get(), handout, need,
                    record, job):
            assert row.centre == other, row
    return {"centre": other, "programme": prog, "day": day, "household": hh, "person": person, "card": card,
            "code": code, "collector": helper, "items": items,
            "handout": handout, "need": need, "record": record, "job": job, "worker": worker}


def _unchanged(b, stamp):
    """Nothing of centre B changed since `stamp` (its rows' own state)."""
    with centre_scope(b["centre"]):
        hh = Household.objects.get(pk=b["household"].pk)
        assert (hh.status, hh.address, hh.updated_at) == (Household.Status.ACTIVE, "Οδός Καβάλας 1", stamp["household"])
        assert Person.everyone.get(pk=b["person"].pk).left_on is None
        assert Card.objects.get(pk=b["card"].pk).status == Card.Status.PRINTED
        assert AuthorisedCollector.objects.get(pk=b["collector"].pk).is_active
        assert Collection.objects.get().cancelled_at is None
        assert Handout.objects.get(pk=b["handout"].pk).cancelled_at is None
        assert HouseholdNeed.objects.filter(pk=b["record"].pk).exists()
        assert DistributionDay.objects.get(pk=b["day"].pk).status == DistributionDay.Status.PLANNED
        assert Programme.objects.get(pk=b["programme"].pk).name == "Πρόγραμμα Καβάλας"
        assert Need.objects.get(pk=b["need"].pk).name_el == "Χωρίς χοιρινό Καβάλας"
        assert ImportJob.objects.get(pk=b["job"].pk).status == ImportJob.Status.DONE
        assert Scan.objects.count() == 1


def _stamp(b):
    with centre_scope(b["centre"]):
        return {"household": Household.objects.get(pk=b["household"].pk).updated_at}


def test_another_centres_distribution_pages_answer_404(coordinator_client, elsewhere):
    b, stamp = elsewhere, _stamp(elsewhere)
    hh, person, day = b["household"].pk, b["person"].pk, b["day"].pk
    with centre_scope(b["centre"]):
        collection = Collection.objects.get().pk
    pages = [
        ("household", [hh]), ("household_edit", [hh]), ("member_new", [hh]), ("member_edit", [hh, person]),
        ("member_remove", [hh, person]), ("collector_add", [hh]), ("collector_remove", [hh, b["collector"].pk]),
        ("enrolment_add", [hh]), ("household_merge", [hh]), ("household_anonymise", [hh]), ("card_request", [hh]),
        ("household_needs", [hh]), ("household_need_remove", [hh, b["record"].pk]), ("need_edit", [b["need"].pk]),
        ("person_export", [person]), ("card_print", [b["card"].pk]), ("card_hand_over", [b["card"].pk]),
        ("card_revoke", [b["card"].pk]), ("programme_edit", [b["programme"].pk]), ("retention_confirm", [hh]),
        ("import", [b["job"].pk]), ("import_start", [b["job"].pk]), ("import_step", [b["job"].pk]),
        ("import_again", [b["job"].pk]), ("import_cards", [b["job"].pk]),
        *[(name, [day]) for name in ("day", "day_edit", "day_status", "day_close", "day_cancel", "day_slots",
                                     "day_notify", "day_slots_print", "day_live", "day_live_panel", "day_collections",
                                     "day_signatures", "day_no_shows", "day_report", "station", "station_search")],
        ("collection_cancel", [collection]), ("handout_desk", [hh]), ("handout", [b["handout"].pk]),
        ("handout_cancel", [b["handout"].pk]),
    ]
    for name, args in pages:
        url = reverse(f"distribution:{name}", args=args)
        assert coordinator_client.get(url).status_code in (404, 405), name
        posted = coordinator_client.post(url, {"confirmed": "yes", "reason": "λάθος", "code": b["code"],
                                               "request_id": str(uuid.uuid4()), "station": "Τραπέζι 1"})
        assert posted.status_code in (404, 405), (name, posted.status_code)
    _unchanged(b, stamp)


def test_lists_and_reports_leave_another_centre_out(coordinator_client, elsewhere):
    b = elsewhere
    here_day, _items = day_with_basket(prog=programme(code="kea-basic", name="Πρόγραμμα Δράμας"))
    for name in ("households", "cards", "programmes", "days", "handouts", "needs", "expiring", "retention",
                 "station_pick", "import_upload", "nationalities"):
        page = coordinator_client.get(reverse(f"distribution:{name}"))
        assert page.status_code == 200, name
        assert "Καβάλα" not in page.content.decode(), name
    # Searched by name or AMKA (the search box keeps what was typed: look for what only a match shows).
    found = coordinator_client.get(reverse("distribution:households"), {"q": "Καβαλιώτισσα"}).content.decode()
    assert reverse("distribution:household", args=[b["household"].pk]) not in found
    open_around_now(here_day)
    for query in ("Καβαλιώτισσα", "01018012346", b["card"].number):
        found = coordinator_client.post(reverse("distribution:station_search", args=[here_day.pk]),
                                        {"q": query, "station": "Τραπέζι 1"}, HTTP_HX_REQUEST="true")
        assert found.status_code == 200 and "Οδός Καβάλας" not in found.content.decode(), query
        assert found.content.decode().count("Καβαλιώτισσα") <= 1, query  # at most the query typed
    year = Period(b["day"].date - timedelta(days=365), b["day"].date + timedelta(days=1))
    for name in ("esf", "distribution", "dashboard", "index"):
        page = coordinator_client.get(reverse(f"reports:{name}"), {"start": year.start.isoformat(),
                                                                   "end": year.end.isoformat()})
        assert page.status_code == 200 and "Καβάλα" not in page.content.decode(), name
    assert households_counted(year) == [] and recipient_counts(year)["any"]["total"] == 0
    with centre_scope(b["centre"]):  # B's own figures, in B's scope: its household's person and the walk-in
        assert households_counted(year) == [b["household"].pk] and recipient_counts(year)["any"]["total"] == 2


def test_another_centres_card_at_this_centres_table_is_unknown(volunteer_user, elsewhere):
    b = elsewhere
    day, _items = day_with_basket(prog=programme(code="kea-basic"))
    # A household of this centre with B's card number in its own numbering is another card altogether.
    for code in (b["code"], b["card"].number):
        answer = record_scan(day_id=day.pk, code=code, station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                             by=volunteer_user)
        assert answer.body["outcome"] == "unknown_card", answer.body
    assert not Collection.objects.exists()
    # B's day is no day here, even with its plan kept by the process from B's own scan.
    with pytest.raises(ScanRequestError) as refused:
        record_scan(day_id=b["day"].pk, code=b["code"], station="Τραπέζι 1", request_id=str(uuid.uuid4()),
                    by=volunteer_user)
    assert refused.value.status == 404


def test_another_centres_distribution_is_out_of_reach_of_the_api(client, staff_user, elsewhere):
    b, stamp = elsewhere, _stamp(elsewhere)
    _token, key = create_api_token(staff_user, "τραπέζι")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}
    hh, card, day, handout = b["household"].pk, b["card"].pk, b["day"].pk, b["handout"].pk
    for path in (f"/api/v1/households/{hh}", f"/api/v1/cards/{card}", f"/api/v1/days/{day}",
                 f"/api/v1/days/{day}/manifest", f"/api/v1/households/{hh}/needs",
                 f"/api/v1/households/{hh}/handout-check?programme_id={b['programme'].pk}"
                 f"&location_id={b['day'].location_id}"):
        assert client.get(path, **auth).status_code == 404, path
    for path, body in ((f"/api/v1/cards/{card}/revoke", {"reason": "lost"}), (f"/api/v1/cards/{card}/pdf", {}),
                       ("/api/v1/cards", {"household_id": hh}),
                       (f"/api/v1/handouts/{handout}/delivered", {}), (f"/api/v1/handouts/{handout}/cancel",
                                                                       {"reason": "λάθος"}),
                       (f"/api/v1/households/{hh}/needs", {"need": "no-pork", "legal_basis": "public_task"}),
                       ("/api/v1/scans", {"code": b["code"], "day": day, "station": "Τραπέζι 1",
                                          "request_id": str(uuid.uuid4())})):
        assert client.post(path, body, **auth).status_code == 404, path
    assert client.delete(f"/api/v1/households/{hh}/needs/{b['record'].pk}", **auth).status_code == 404
    batch = client.post("/api/v1/scans/batch", {"scans": [
        {"code": b["code"], "day": day, "station": "Τραπέζι 1", "request_id": str(uuid.uuid4()),
         "made_at": timezone.now().isoformat()}]}, **auth)
    assert batch.status_code == 404 or [row["status"] for row in batch.json()["results"]] == [404], batch.content
    # Lists leave B out.
    for path in ("/api/v1/households", "/api/v1/days", "/api/v1/handouts", "/api/v1/needs"):
        listed = client.get(path, **auth)
        assert listed.status_code == 200 and "Καβάλα" not in listed.content.decode(), path
    # A hand-out to B's household, or taken home by B's staff member, names what is not here.
    here_day, items = day_with_basket(prog=programme())
    refused = client.post("/api/v1/handouts", {"kind": "walk_in", "location_id": here_day.location_id,
                                               "household_id": hh, "programme_id": here_day.programme_id,
                                               "lines": [{"item_id": items["rice"].pk, "quantity": "1"}]}, **auth)
    assert refused.status_code == 404, refused.content
    refused = client.post("/api/v1/handouts", {"kind": "home_delivery", "location_id": here_day.location_id,
                                               "people": 1, "reason": "έξωση", "delivered_by_id": b["worker"].pk,
                                               "lines": [{"item_id": items["rice"].pk, "quantity": "1"}]}, **auth)
    assert refused.status_code == 404, refused.content
    assert not Handout.objects.exists() and not Scan.objects.exists()
    _unchanged(b, stamp)


def test_the_scan_costs_no_query_more(client, volunteer_user):
    day, _items = day_with_basket()
    codes = [household(day.programme, size=2)[2] for _ in range(2)]
    _token, key = create_api_token(volunteer_user, "τραπέζι")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "content_type": "application/json"}

    def scan(code):
        return client.post("/api/v1/scans", {"code": code, "day": day.pk, "station": "Τραπέζι 1",
                                             "request_id": str(uuid.uuid4())}, **auth)

    assert scan(codes[0]).status_code == 201  # the token, the role and the day's plan are kept from here
    with CaptureQueriesContext(connection) as queries:
        assert scan(codes[1]).status_code == 201
    assert len(queries) == SCAN_QUERIES[connection.vendor], [q["sql"] for q in queries]
    forget_tokens()


def test_codes_are_unique_within_a_centre(coordinator_client, elsewhere):
    """B's programme and need codes are free here; a code this centre already uses is refused by the form."""
    for name, fields in (("programme_new", {"code": "kea-basic", "name": "Πρόγραμμα Δράμας",
                                            "once_per_distribution_day": "on", "is_active": "on"}),
                         ("needs", {"code": "no-pork", "name_el": "Χωρίς χοιρινό", "applies_to": "member",
                                    "is_active": "on"})):
        assert coordinator_client.post(reverse(f"distribution:{name}"), fields).status_code == 302, name
        again = coordinator_client.post(reverse(f"distribution:{name}"), fields)
        assert again.status_code == 200 and "του κέντρου" in again.content.decode(), name
    assert (Programme.objects.get().code, Need.objects.get().code) == ("kea-basic", "no-pork")
    with centre_scope(elsewhere["centre"]):
        assert Programme.objects.get().name == "Πρόγραμμα Καβάλας"


def test_the_nightly_job_goes_centre_by_centre_and_the_import_names_its_centre(staff_user, elsewhere, tmp_path):
    b = elsewhere
    past = timezone.localdate() - timedelta(days=1)
    here = household(None, size=1)[0]
    for centre, hh in ((b["centre"], b["household"]), (here.centre, here)):
        with centre_scope(centre):
            Household.objects.filter(pk=hh.pk).update(retention_until=past,
                                                      retention_changed_at=timezone.now() - timedelta(days=365))
    out = StringIO()
    with installation_scope():  # as the worker and a command typed by hand: every centre
        call_command("apply_retention", "--centre", "kavala", stdout=out)
        assert out.getvalue().startswith("kavala: anonymised households: 1"), out.getvalue()
        assert Household.objects.get(pk=here.pk).status == Household.Status.ACTIVE  # this centre's waits its turn
        call_command("apply_retention", stdout=out)  # every centre, each in its own scope
        assert Household.objects.get(pk=here.pk).status == Household.Status.ANONYMISED
        with pytest.raises(CommandError, match="--centre"):
            call_command("import_households", str(tmp_path / "list.csv"))
    with pytest.raises(CommandError, match="kavala"):  # called from code in this centre's scope: only this one
        call_command("import_households", str(tmp_path / "list.csv"), "--centre", "kavala")
