"""The planner in the app: a proposal read from the roster and shifts, confirmed assignments kept,
explanations on the page, accept all / some / none, volunteers told by the usual messages, the
"fill this shift" button, and the fairness report."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from volunteers.models import Absence, Assignment, Certificate, PlanLine, PlanProposal, Skill
from volunteers.services import planning, signups
from volunteers.services.shifts import span

from .factories import ShiftFactory, VolunteerFactory, available_always

pytestmark = pytest.mark.django_db


def _monday():
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _shift(day, start=8, end=12, **kw):
    starts_at, ends_at = span(day, time(start), time(end))
    kw.setdefault("min_people", 1)
    kw.setdefault("max_people", 3)
    return ShiftFactory(starts_at=starts_at, ends_at=ends_at, **kw)


@pytest.fixture
def week():
    monday = _monday()
    people = [available_always(VolunteerFactory()) for _ in range(3)]
    shifts = [_shift(monday, target_people=2), _shift(monday + timedelta(days=2), min_people=2, target_people=2)]
    return monday, people, shifts


def test_proposal_keeps_confirmed_covers_minimums_and_explains(week, coordinator):
    monday, people, shifts = week
    confirmed = signups.assign(shifts[0], people[0], by=coordinator, quiet=True)
    signups.confirm(confirmed)
    proposal = planning.propose(starts_on=monday, ends_on=monday + timedelta(days=6), by=coordinator)
    lines = list(proposal.lines.all())
    keep = [line for line in lines if line.action == PlanLine.Action.KEEP]
    assert [(line.shift_id, line.volunteer_id) for line in keep] == [(shifts[0].pk, people[0].pk)]
    assert keep[0].reasons[0]["code"] == "kept"
    per_shift = {s.pk: sum(1 for line in lines if line.shift_id == s.pk) for s in shifts}
    assert per_shift == {shifts[0].pk: 2, shifts[1].pk: 2}
    assert proposal.shortfalls == [] and proposal.status == PlanProposal.Status.DRAFT
    assert AuditLog.objects.filter(object_id=str(proposal.pk), action=AuditLog.Action.CREATE,
                                   content_type__model="planproposal").exists()


def test_accept_all_publishes_through_the_usual_messages(week, coordinator, coordinator_client,
                                                         django_capture_on_commit_callbacks):
    monday, people, shifts = week
    response = coordinator_client.post(reverse("volunteers:plan_new"), {"starts_on": monday.isoformat(), "weeks": 1})
    proposal = PlanProposal.objects.get()
    assert response.status_code == 302 and response.url == reverse("volunteers:plan", args=[proposal.pk])
    page = coordinator_client.get(response.url).content.decode()
    assert "Fewest hours this quarter" in page or "Λιγότερες ώρες" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("volunteers:plan_publish", args=[proposal.pk]), {"choice": "all"})
    proposal.refresh_from_db()
    assert proposal.status == PlanProposal.Status.PUBLISHED
    active = Assignment.objects.filter(status=Assignment.Status.ASSIGNED)
    assert active.count() == 4
    for shift in shifts:
        shift.refresh_from_db()
        assert shift.booked >= shift.min_people
    assert len(mail.outbox) == 4  # each volunteer asked to confirm, as when assigned by hand
    # Published twice: refused, nothing more sent.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("volunteers:plan_publish", args=[proposal.pk]), {"choice": "all"})
    assert len(mail.outbox) == 4


def test_accept_some_or_none(week, coordinator, coordinator_client):
    monday, people, shifts = week
    proposal = planning.propose(starts_on=monday, ends_on=monday + timedelta(days=6), by=coordinator)
    first = proposal.lines.order_by("pk").first()
    coordinator_client.post(reverse("volunteers:plan_publish", args=[proposal.pk]),
                            {"choice": "some", "line": [str(first.pk), "x", "999999"]})
    assert list(Assignment.objects.values_list("shift_id", "volunteer_id")) == [(first.shift_id, first.volunteer_id)]
    again = planning.propose(starts_on=monday, ends_on=monday + timedelta(days=6), by=coordinator)
    assert again.lines.get(shift_id=first.shift_id, volunteer_id=first.volunteer_id).action == PlanLine.Action.KEEP
    coordinator_client.post(reverse("volunteers:plan_publish", args=[again.pk]), {"choice": "none"})
    again.refresh_from_db()
    assert again.status == PlanProposal.Status.DISCARDED and Assignment.objects.count() == 1


def test_unfillable_shift_explained_on_the_page(coordinator, coordinator_client):
    monday = _monday()
    check = Skill.objects.create(name="Πιστοποιητικό ποινικού μητρώου", name_en="Criminal-record certificate")
    person = available_always(VolunteerFactory(first_name="Ελένη", last_name="Σαλή"))
    Certificate.objects.create(volunteer=person, skill=check, expires_on=monday - timedelta(days=1))
    shift = _shift(monday)
    shift.skills_everyone.set([check])
    proposal = planning.propose(starts_on=monday, ends_on=monday, by=coordinator)
    [gap] = proposal.shortfalls
    assert gap["binding"] == "certificate" and gap["fixes"][0]["params"]["name"] == "Ελένη Σαλή"
    page = coordinator_client.get(reverse("volunteers:plan", args=[proposal.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "no valid certificate" in text or "πιστοποιητικό" in text
    assert "Ελένη Σαλή" in text
    shift.delete()  # a shift deleted since: the proposal still opens, without it
    assert coordinator_client.get(reverse("volunteers:plan", args=[proposal.pk])).status_code == 200


def test_absence_and_weekly_limit_are_respected(coordinator):
    monday = _monday()
    away = available_always(VolunteerFactory())
    Absence.objects.create(volunteer=away, starts_on=monday, ends_on=monday + timedelta(days=6))
    limited = available_always(VolunteerFactory(max_hours_week=4))
    shifts = [_shift(monday), _shift(monday + timedelta(days=1))]
    proposal = planning.propose(starts_on=monday, ends_on=monday + timedelta(days=6), by=coordinator)
    chosen = set(proposal.lines.values_list("volunteer_id", "shift_id"))
    assert all(v != away.pk for v, _ in chosen)
    assert len([1 for v, _ in chosen if v == limited.pk]) == 1
    [gap] = proposal.shortfalls
    assert gap["shift"] in {s.pk for s in shifts}


def test_fill_this_shift(coordinator_client):
    monday = _monday()
    available_always(VolunteerFactory())
    shift = _shift(monday)
    page = coordinator_client.get(reverse("volunteers:shift_assign", args=[shift.pk])).content.decode()
    assert reverse("volunteers:plan_fill", args=[shift.pk]) in page
    response = coordinator_client.post(reverse("volunteers:plan_fill", args=[shift.pk]))
    proposal = PlanProposal.objects.get()
    assert response.url == reverse("volunteers:plan", args=[proposal.pk]) and proposal.shift_id == shift.pk
    assert proposal.lines.count() == 1


def test_bad_planner_input_is_a_message_not_an_error(coordinator_client):
    url = reverse("volunteers:plan_new")
    for data in ({"starts_on": "not a date", "weeks": 2}, {"starts_on": "2027-01-04", "weeks": 99},
                 {"starts_on": "2027-01-04", "weeks": "-1"}):
        assert coordinator_client.post(url, data).status_code == 200
    response = coordinator_client.post(url, {"starts_on": (_monday() + timedelta(days=700)).isoformat(), "weeks": 1})
    assert response.status_code == 200  # no shifts: said on the form
    assert PlanProposal.objects.count() == 0


def test_fairness_report_table_and_chart(coordinator, coordinator_client):
    monday = _monday()
    busy, idle = available_always(VolunteerFactory()), available_always(VolunteerFactory())
    signups.assign(_shift(monday), busy, by=coordinator, quiet=True)
    response = coordinator_client.get(reverse("volunteers:fairness"), {
        "since": monday.isoformat(), "until": (monday + timedelta(days=6)).isoformat()})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="fair-chart"' in page and 'data-testid="fair-table"' in page
    assert busy.full_name in page and idle.full_name in page
    assert coordinator_client.get(reverse("volunteers:fairness"), {"since": "2027-02-01",
                                                                   "until": "2026-01-01"}).status_code == 200


def test_quarter_of():
    assert planning.quarter_of(date(2027, 2, 14)) == (date(2027, 1, 1), date(2027, 3, 31))
    assert planning.quarter_of(date(2026, 12, 6)) == (date(2026, 10, 1), date(2026, 12, 31))
