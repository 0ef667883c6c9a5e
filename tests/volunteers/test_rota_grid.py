"""The rota at a glance: a week grid (shifts × days) and a month calendar with the names and the open
places, movable in time, exported with names through core.exports (formula-safe, audited); a
volunteer's own grid shows their shifts and those they may take, and nobody else's name."""

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from volunteers import rota
from volunteers.models import Assignment
from volunteers.services import signups

from .factories import ShiftFactory, VolunteerFactory, available_always

pytestmark = pytest.mark.django_db


def at(day: date, hour: int):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def monday_in(weeks: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)


def staffed(shift, *people, status=Assignment.Status.CONFIRMED):
    for volunteer in people:
        assignment = signups.assign(shift, volunteer, by=None, quiet=True)
        if status == Assignment.Status.CONFIRMED:
            signups.confirm(assignment, by=volunteer.user)
    shift.refresh_from_db()
    return shift


def test_week_grid_has_a_row_per_kind_of_shift_and_a_column_per_day_with_names_and_open_places():
    monday = monday_in(1)
    eleni = VolunteerFactory(first_name="Ελένη", last_name="Σαλή")
    nikos = VolunteerFactory(first_name="Νίκος", last_name="Αλιόγλου")
    day2 = monday + timedelta(days=1)
    tuesday = staffed(ShiftFactory(starts_at=at(day2, 9), ends_at=at(day2, 13), min_people=2, max_people=3), eleni)
    thursday = ShiftFactory(location=tuesday.location, starts_at=at(monday + timedelta(days=3), 9),
                            ends_at=at(monday + timedelta(days=3), 13), min_people=2, max_people=3)
    staffed(thursday, nikos, status=Assignment.Status.ASSIGNED)
    staffed(thursday, eleni)
    ShiftFactory(starts_at=at(monday + timedelta(days=8), 9))  # next week: not in this grid
    grid = rota.build("week", monday + timedelta(days=2))
    assert grid.start == monday and grid.end == monday + timedelta(days=7)
    assert [d.day for d in grid.days] == [monday + timedelta(days=i) for i in range(7)]
    assert len(grid.rows) == 1, "the same place, role and hours make one row"
    cells = grid.rows[0].cells
    assert [len(c) for c in cells] == [0, 1, 0, 1, 0, 0, 0]
    assert cells[1][0].names == ["Ελένη Σαλή"] and cells[1][0].open_places == 2 and cells[1][0].missing == 1
    assert cells[3][0].names == ["Ελένη Σαλή", "Νίκος Αλιόγλου (?)"] and cells[3][0].state == "warn"
    assert grid.previous == monday + timedelta(days=2) - timedelta(days=7)


def test_month_grid_covers_whole_weeks_and_marks_the_days_outside_the_month():
    grid = rota.build("month", date(2027, 2, 10))
    assert grid.start == date(2027, 2, 1) and grid.end == date(2027, 3, 1)  # February 2027 begins on a Monday
    assert len(grid.weeks) == 4 and all(len(w) == 7 for w in grid.weeks)
    grid = rota.build("month", date(2027, 3, 31))
    assert grid.start == date(2027, 3, 1) and grid.end == date(2027, 4, 5)
    assert [d.in_period for d in grid.weeks[-1]] == [True, True, True, False, False, False, False]
    assert grid.previous == date(2027, 2, 1) and grid.next == date(2027, 4, 1)
    assert rota.build("month", date(2027, 12, 5)).next == date(2028, 1, 1)


def test_coordinator_page_shows_names_moves_in_time_and_survives_bad_addresses(coordinator_client):
    monday = monday_in(2)
    volunteer = VolunteerFactory(first_name="Αϊσέ", last_name="Μουσταφά")
    shift = staffed(ShiftFactory(starts_at=at(monday, 8), ends_at=at(monday, 12), max_people=3), volunteer)
    page = coordinator_client.get(reverse("volunteers:rota"), {"date": monday.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and "Αϊσέ Μουσταφά" in html and f'data-shift="{shift.pk}"' in html
    assert "2 θέσεις ελεύθερες" in html or "2 open places" in html
    month = coordinator_client.get(reverse("volunteers:rota"), {"view": "month", "date": monday.isoformat()})
    assert "Αϊσέ Μουσταφά" in month.content.decode()
    following = coordinator_client.get(reverse("volunteers:rota"),
                                       {"date": (monday + timedelta(days=7)).isoformat()})
    assert "Αϊσέ Μουσταφά" not in following.content.decode()
    other_place = coordinator_client.get(reverse("volunteers:rota"), {"date": monday.isoformat(),
                                                                     "location": shift.location.pk + 1000})
    assert other_place.status_code == 200
    for bad in ({"date": "31/02/2027"}, {"date": "x" * 500}, {"view": "year"}, {"location": "1; drop"},
                {"date": "9999-12-31", "view": "month"}, {"date": "0001-01-01"}, {"date": "9999-12-31"}):
        assert coordinator_client.get(reverse("volunteers:rota"), bad).status_code == 200


def test_rota_export_has_the_names_is_formula_safe_and_audited(coordinator_client):
    monday = monday_in(1)
    plain = VolunteerFactory(first_name="Ελένη", last_name="Σαλή")
    hostile = VolunteerFactory(first_name="=HYPERLINK(\"http://x\")", last_name="Τεστ")
    staffed(ShiftFactory(starts_at=at(monday, 9), ends_at=at(monday, 13), max_people=3), plain)
    staffed(ShiftFactory(starts_at=at(monday, 9), ends_at=at(monday, 13), max_people=3), hostile,
            status=Assignment.Status.ASSIGNED)
    response = coordinator_client.get(reverse("volunteers:rota"), {"date": monday.isoformat(), "format": "csv"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    confirmed = [r for r in rows[1:] if "Ελένη Σαλή" in r]
    assert confirmed and confirmed[0][8] == "2"  # open places
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, object_repr__startswith="rota-").count() == 1
    xlsx = coordinator_client.get(reverse("volunteers:rota"), {"date": monday.isoformat(), "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_rota_is_the_coordinators(client, volunteer_user, staff_client):
    assert staff_client.get(reverse("volunteers:rota")).status_code == 403
    client.force_login(volunteer_user)
    assert client.get(reverse("volunteers:rota")).status_code == 403
    assert client.get(reverse("volunteers:rota"), {"format": "csv"}).status_code == 403


def test_a_volunteers_grid_shows_their_shifts_and_those_they_may_take_but_no_one_elses_name(client):
    monday = monday_in(3)
    me = available_always(VolunteerFactory(first_name="Σοφία", last_name="Δημητρίου"))
    other = VolunteerFactory(first_name="Μεχμέτ", last_name="Χασάν")
    mine = staffed(ShiftFactory(starts_at=at(monday, 8), ends_at=at(monday, 12), max_people=3), me, other)
    takeable = ShiftFactory(starts_at=at(monday + timedelta(days=2), 8), ends_at=at(monday + timedelta(days=2), 12))
    full = staffed(ShiftFactory(starts_at=at(monday + timedelta(days=4), 8), ends_at=at(monday + timedelta(days=4), 12),
                                max_people=1), other)
    client.force_login(me.user)
    page = client.get(reverse("volunteers:my_rota"), {"view": "week", "date": monday.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-shift="{mine.pk}"' in html and f'data-shift="{takeable.pk}"' in html
    assert f'data-shift="{full.pk}"' not in html
    assert "Μεχμέτ" not in html and "Χασάν" not in html
    assert reverse("volunteers:my_shift_action", args=[takeable.pk, "take"]) in html
    month = client.get(reverse("volunteers:my_rota"), {"date": monday.isoformat()})
    assert month.context["grid"].view == "month" and f'data-shift="{takeable.pk}"' in month.content.decode()


def test_the_shift_list_and_its_export_name_the_people(coordinator_client):
    monday = monday_in(1)
    shift = ShiftFactory(starts_at=at(monday, 9), ends_at=at(monday, 13), max_people=3)
    staffed(shift, VolunteerFactory(first_name="Ελένη", last_name="Σαλή"))
    staffed(shift, VolunteerFactory(first_name="Νίκος", last_name="Αλιόγλου"), status=Assignment.Status.ASSIGNED)
    page = coordinator_client.get(reverse("volunteers:shifts")).content.decode()
    assert "Ελένη Σαλή" in page and "Νίκος Αλιόγλου (?)" in page
    exported = coordinator_client.get(reverse("volunteers:shifts"), {"_export": "csv"}).content.decode("utf-8-sig")
    assert "Ελένη Σαλή" in exported and "Νίκος Αλιόγλου (?)" in exported
