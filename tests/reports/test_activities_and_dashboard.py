"""Volunteers and events report, and the coordinator's dashboard with its SVG charts."""

from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from events.models import CheckIn, Event, Registration
from tests.events.factories import EventFactory
from tests.factories import LocationFactory
from tests.volunteers.factories import ShiftFactory, VolunteerFactory
from volunteers.models import Assignment

from .factories import known_data

D = Decimal


def at(day, hour=9):
    return timezone.make_aware(datetime(2026, 3, day, hour))


@pytest.fixture
def activities(db, coordinator):
    site = LocationFactory(name="Παράρτημα Ρομά")
    volunteers = [VolunteerFactory() for _ in range(3)]
    full = ShiftFactory(location=site, starts_at=at(2), ends_at=at(2, 13), min_people=1, max_people=2)
    thin = ShiftFactory(location=site, starts_at=at(9), ends_at=at(9, 13), min_people=2, max_people=3)
    ShiftFactory(location=site, starts_at=at(10), ends_at=at(10, 13), cancelled_at=at(1))  # cancelled: left out

    def assign(shift, volunteer, attendance, hours=None):
        return Assignment.objects.create(
            shift=shift, volunteer=volunteer, status=Assignment.Status.CONFIRMED, starts_at=shift.starts_at,
            ends_at=shift.ends_at, attendance=attendance, hours=hours,
            hours_approved_at=at(20) if hours is not None else None, hours_approved_by=coordinator)

    assign(full, volunteers[0], Assignment.Attendance.PRESENT, D("4"))
    assign(full, volunteers[1], Assignment.Attendance.PRESENT, D("3.5"))
    assign(thin, volunteers[2], Assignment.Attendance.NO_SHOW)
    workshop = EventFactory(location=site, category=Event.Category.CHILDREN, starts_at=at(12, 17),
                            ends_at=at(12, 19), capacity=10)
    EventFactory(location=site, category=Event.Category.HEALTH, starts_at=at(14), ends_at=at(14, 11),
                 status=Event.Status.CANCELLED, capacity=20)
    EventFactory(location=site, category=Event.Category.CULTURE, starts_at=at(15), ends_at=at(15, 11),
                 status=Event.Status.DRAFT, capacity=30)  # drafts are left out
    confirmed, waiting = Registration.Status.CONFIRMED, Registration.Status.WAITING
    came = Registration.objects.create(event=workshop, name="Α", phone="6900000001", places=3, status=confirmed)
    Registration.objects.create(event=workshop, name="Β", phone="6900000002", places=2, status=confirmed)
    Registration.objects.create(event=workshop, name="Γ", phone="6900000003", places=4, status=waiting)
    CheckIn.objects.create(registration=came, at=at(12, 17))
    return site


def test_volunteer_hours_fill_rate_and_no_shows(activities):
    from volunteers import reporting

    [hours] = reporting.hours_by_month_and_site(at(1).date(), at(31).date())
    assert (hours["month"], hours["location"], hours["hours"], hours["volunteers"]) == ("2026-03", "Παράρτημα Ρομά",
                                                                                         D("7.5"), 2)
    [march] = reporting.shifts_by_month(at(1).date(), at(31).date())
    assert (march["shifts"], march["places"], march["filled"], march["understaffed"]) == (2, 5, 3, 1)
    assert march["fill_rate"] == D("60.0")
    assert (march["present"], march["no_show"]) == (2, 1)


def test_events_by_category(activities):
    from events import reporting

    rows = {r["category"]: r for r in reporting.by_category(at(1).date(), at(31).date())}
    assert set(rows) == {"children", "health"}
    children = rows["children"]
    assert (children["events"], children["capacity"], children["registrations"], children["places"]) == (1, 10, 2, 5)
    assert (children["attended"], children["no_show"], children["waiting_places"]) == (3, 1, 4)
    assert (rows["health"]["events"], rows["health"]["cancelled"], rows["health"]["capacity"]) == (1, 1, 0)
    [month] = reporting.attendance_by_month(at(1).date(), at(31).date())
    assert (month["events"], month["places"], month["attended"]) == (1, 5, 3)


def test_activities_page_and_pdf(staff_client, activities):
    page = staff_client.get("/reports/volunteers-events/?start=2026-03-01&end=2026-03-31")
    assert page.status_code == 200 and "60,0" in page.content.decode()
    assert staff_client.get("/reports/volunteers-events/?start=2026-03-01&end=2026-03-31&format=pdf"
                            ).content.startswith(b"%PDF")


def test_dashboard_charts_are_svg_with_text_and_tables(coordinator_client, activities):
    known_data()
    response = coordinator_client.get("/reports/dashboard/?start=2026-01-01&end=2026-04-30")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 4 and html.count("<table") == 4
    start = html.index("<svg")
    svg = ElementTree.fromstring(html[start:html.index("</svg>", start) + 6])  # noqa: S314 - our own output
    assert svg.get("role") == "img"
    assert "pattern" in html and "stroke-dasharray" in html  # not colour alone


def test_dashboard_is_not_for_staff(staff_client):
    assert staff_client.get("/reports/dashboard/").status_code == 403


def test_dashboard_opens_for_the_coordinator_and_refuses_a_bad_period(coordinator_client):
    assert coordinator_client.get("/reports/dashboard/").status_code == 200
    assert coordinator_client.get("/reports/dashboard/?start=2026-05-01&end=2026-01-01").status_code == 200


def test_charts_label_every_value():
    from reports.charts import Chart, Series

    chart = Chart("c", "Παραλαβές", ["01/26", "02/26"], [Series("Παραλαβές", [12, 7]), Series("Νοικοκυριά", [9, 0])])
    svg = str(chart.svg())
    ElementTree.fromstring(svg)  # noqa: S314 - our own output
    assert ">12<" in svg and ">7<" in svg and ">9<" in svg
    assert "url(#c-p0)" in svg and "url(#c-p1)" in svg
    line = Chart("l", "Απόθεμα", ["01/26", "02/26", "03/26"], [Series("Ρύζι", [D("10"), D("4.5"), D("0")])],
                 kind="line", decimals=1)
    assert "Ρύζι 0,0" in str(line.svg())
    assert Chart("e", "x", [], []).is_empty


def test_coordinator_menu_has_the_dashboard(coordinator_client):
    assert "/reports/dashboard/" in coordinator_client.get("/").content.decode()


def test_staff_menu_has_reports_but_not_the_dashboard(staff_client):
    home = staff_client.get("/").content.decode()
    assert "/reports/" in home and "/reports/dashboard/" not in home


@pytest.mark.django_db
def test_key_items_are_those_handed_out_most_in_the_year_up_to_the_period_s_end():
    from datetime import date

    from inventory.models import Item, StockMovement
    from inventory.reporting import key_items
    from tests.factories import UserFactory

    user, location = UserFactory(role="staff"), LocationFactory()
    old, recent = (Item.objects.create(name_el=name, category=Item.Category.HYGIENE)
                   for name in ("Παλιό", "Πρόσφατο"))

    def hand_out(item, when, times):
        for _n in range(times):
            StockMovement.objects.create(at=timezone.make_aware(datetime.combine(when, datetime.min.time())),
                                         reason=StockMovement.Reason.DISTRIBUTED, item=item, location=location,
                                         quantity=Decimal(-1), by=user)

    hand_out(old, date(2024, 3, 1), 5)  # more often, but two years before
    hand_out(recent, date(2025, 11, 1), 2)
    assert key_items(until=date(2025, 12, 31)) == [recent]
    assert key_items(until=date(2024, 12, 31)) == [old]
