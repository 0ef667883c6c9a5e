"""Submitted ESF+ reports stay as they were submitted: the same bytes on every download, and a list of
what the live report now says differently."""

import hashlib
from datetime import date

import pytest
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction
from django.urls import reverse

from distribution.models import Person
from distribution.selectors.reporting import Period, esf_figures
from distribution.services import households as services
from distribution.services import retention as retention_services
from reports import submissions
from reports.models import SubmittedReport, SubmittedReportError

from .factories import known_data
from .test_membership_in_time import H1, collect_on, household, world  # noqa: F401 - the fixture

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def test_the_python_twin_counts_what_the_sql_counts(db):
    data = known_data()
    for period in (Period(*MARCH), Period(*MARCH, programme_id=data.programme.pk), Period(date(2026, 1, 1),
                                                                                          date(2026, 12, 31))):
        counts = esf_figures(period)["counts"]
        behind = submissions.households_behind(period)
        for support in ("any", "food", "material"):
            assert sum(behind.get(f"people.{support}", {}).get("yes", {}).values()) == counts[support]["total"]
            for group in ("children", "young", "women", "senior", "disability", "third_country",
                          "foreign_minority", "homeless"):
                for answer in ("yes", "not_declared"):
                    found = sum(behind.get(f"people.{support}.{group}", {}).get(answer, {}).values())
                    assert found == counts[support][group][answer], (support, group, answer)
        assert len(behind["households"]["yes"]) == counts["households"]


def _closed_half_year(world):  # noqa: F811
    h = household(world, "A", {"first_name": "Ardita", "sex": "F", "birth_date": date(1961, 3, 20),
                               "nationality": "Αλβανίδα", "categories": {"migrant": "yes"}},
                  {"first_name": "Erion", "sex": "M", "birth_date": date(2008, 3, 20)},
                  {"first_name": "Μωρό", "sex": "F", "birth_date": date(2026, 2, 10)})
    other = household(world, "B", {"first_name": "Ελένη", "sex": "F", "birth_date": date(1950, 1, 1),
                                   "nationality": "Ελληνίδα"},
                      {"first_name": "Νίκος", "sex": "M", "birth_date": date(2001, 5, 5)})
    for month in (1, 2, 3, 4, 5, 6):
        collect_on(world, "A", month)
        collect_on(world, "B", month)
    return h, other


def test_anonymising_and_leaving_change_no_figure_and_the_files_stay_the_same_bytes(world, client):  # noqa: F811
    h, other = _closed_half_year(world)
    submitted = submissions.submit_esf_report(Period(*H1), subtitle="01/01/2026 – 30/06/2026", by=world.user)
    assert hashlib.sha256(bytes(submitted.pdf)).hexdigest() == submitted.pdf_sha256
    client.force_login(world.user)
    url = reverse("reports:esf_submitted_file", args=[submitted.pk, "xlsx"])
    first = client.get(url)
    services.remove_member(other.members.get(first_name="Νίκος"), by=world.user, left_on=date(2026, 7, 1))
    retention_services.anonymise_household(h, by=world.user)
    assert submissions.differences(submitted, Period(*H1)) == []
    again = client.get(url)
    assert again.content == first.content == bytes(submitted.xlsx)
    assert again["X-Content-SHA256"] == submitted.xlsx_sha256
    pdf = client.get(reverse("reports:esf_submitted_file", args=[submitted.pk, "pdf"]))
    assert pdf.content == bytes(submitted.pdf) and pdf.content.startswith(b"%PDF")


def test_the_differences_name_each_change_figure_by_figure_and_household_by_household(world):  # noqa: F811
    h, other = _closed_half_year(world)
    duplicate = household(world, "C", {"first_name": "ELENI", "last_name": "DOKIMI", "sex": "F",
                                       "birth_date": date(1950, 1, 1)})
    collect_on(world, "C", 2)
    period = Period(*H1)
    submitted = submissions.submit_esf_report(period, subtitle="H1", by=world.user)
    assert submitted.households["households"]["yes"] == {str(h.pk): 1, str(other.pk): 1, str(duplicate.pk): 1}
    # A merge finds the duplicate registration; a correction gives the boy's birth date a year earlier;
    # a late entry adds a member who had joined in January.
    pairs = services.same_people(other, duplicate)
    assert len(pairs) == 1
    services.merge_households(other, duplicate, by=world.user, same=[(p.kept, p.merged) for p in pairs])
    erion = h.members.get(first_name="Erion")
    erion.birth_date = date(2007, 3, 20)
    services.save_member(erion, by=world.user, allow_duplicates=True)
    services.save_member(Person(household=h, first_name="Θείος", sex="M", birth_date=date(1970, 1, 1),
                                joined_on=date(2026, 1, 1)), by=world.user, allow_duplicates=True)
    changes = {c.key: c for c in submissions.differences(submitted, period)}
    assert changes["households"].submitted == "3" and changes["households"].now == "2"
    assert changes["households"].households == [(duplicate.pk, "yes", 1, 0)]
    assert changes["people.food"].submitted == "6" and changes["people.food"].now == "6"  # -1 merged, +1 late
    assert changes["people.food"].households == [(h.pk, "yes", 3, 4), (duplicate.pk, "yes", 1, 0)]
    assert changes["people.food.children"].households == [(h.pk, "yes", 2, 1)]  # Erion was 18 in January
    assert changes["people.food.senior"].households == [(duplicate.pk, "yes", 1, 0)]  # Ελένη counted once
    assert changes["people.food.young"].households == [(h.pk, "yes", 0, 1)]
    # The submitted files did not move.
    stored = SubmittedReport.objects.get(pk=submitted.pk)
    assert hashlib.sha256(bytes(stored.xlsx)).hexdigest() == submitted.xlsx_sha256


def test_a_submitted_report_cannot_be_changed_nor_deleted(world):  # noqa: F811
    _closed_half_year(world)
    submitted = submissions.submit_esf_report(Period(*H1), subtitle="H1", by=world.user)
    submitted.note = "changed"
    with pytest.raises(SubmittedReportError):
        submitted.save()
    with pytest.raises(SubmittedReportError):
        submitted.delete()
    for change in ({"note": "changed"}, {"xlsx": b"other"}):
        with pytest.raises((IntegrityError, InternalError, OperationalError)), transaction.atomic():
            SubmittedReport.objects.filter(pk=submitted.pk).update(**change)
    if connection.vendor == "postgresql":  # on SQLite only updates (tests empty tables with DELETE)
        with pytest.raises((IntegrityError, InternalError, OperationalError)), transaction.atomic():
            SubmittedReport.objects.filter(pk=submitted.pk).delete()
    assert SubmittedReport.objects.get(pk=submitted.pk).note == ""


def test_staff_mark_the_report_as_submitted_and_see_what_differs(world, client):  # noqa: F811
    h, _other = _closed_half_year(world)
    client.force_login(world.user)
    query = "start=2026-01-01&end=2026-06-30"
    page = client.get(f"{reverse('reports:esf')}?{query}").content.decode()
    assert reverse("reports:esf_submit") in page
    response = client.post(reverse("reports:esf_submit"), {"period_query": query, "note": "ΟΠΣ 1234"})
    assert response.status_code == 302
    submitted = SubmittedReport.objects.get()
    assert submitted.note == "ΟΠΣ 1234" and submitted.submitted_by == world.user
    page = client.get(f"{reverse('reports:esf')}?{query}").content.decode()
    assert submitted.xlsx_sha256 in page and submitted.pdf_sha256 in page and 'data-testid="no-differences"' in page
    services.save_member(Person(household=h, first_name="Θεία", sex="F", birth_date=date(1972, 1, 1),
                                joined_on=date(2026, 1, 1)), by=world.user, allow_duplicates=True)
    page = client.get(f"{reverse('reports:esf')}?{query}").content.decode()
    assert 'data-testid="differences"' in page
    assert reverse("distribution:household", args=[h.pk]) in page
