"""Staffing needs from the work: a distribution day's expected households give tables and volunteers
(a Romani speaker at the Roma branch), an event's registrations give helpers (with the certificate
for work with children at a children's event); shifts made from them follow the need until the
coordinator corrects them by hand; the planner then fills them."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core import staffing
from core.models import Location
from events.models import Event
from tests.distribution.days_helpers import day_with_basket, household
from tests.events.factories import EventFactory
from tests.factories import LocationFactory
from volunteers.models import PlanProposal, Shift, SignupMode
from volunteers.services import needs, shifts

from .factories import VolunteerFactory, available_always

pytestmark = pytest.mark.django_db


def _monday():
    today = timezone.localdate()
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def _week(monday):
    zone = timezone.get_current_timezone()
    return datetime.combine(monday, time(0), tzinfo=zone), datetime.combine(monday + timedelta(days=7), time(0),
                                                                           tzinfo=zone)


@pytest.fixture
def work(settings):
    settings.STAFFING_HOUSEHOLDS_PER_TABLE_HOUR = 1
    settings.STAFFING_VOLUNTEERS_PER_TABLE = 2
    settings.STAFFING_PEOPLE_PER_EVENT_HELPER = 15
    monday = _monday()
    branch = LocationFactory(name="Παράρτημα Ρομά", kind=Location.Kind.BRANCH)
    day, _items = day_with_basket(on=monday, location=branch, stock_per_item=0)  # 10:00-14:00
    for _ in range(6):
        household(day.programme, start=monday - timedelta(days=30), end=monday + timedelta(days=30))
    start = timezone.make_aware(datetime.combine(monday + timedelta(days=1), time(17)))
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=2), capacity=60)
    Event.objects.filter(pk=event.pk).update(places_taken=40)
    return monday, day, event


def test_needs_from_households_and_registrations(work):
    monday, day, event = work
    found = {n.key: n for n in staffing.needs(*_week(monday))}
    table = found[f"distribution.day:{day.pk}"]
    # 6 households over 4 hours at 1 an hour per table: 2 tables; one volunteer each at least, two wanted.
    assert (table.minimum, table.target, table.languages, table.role) == (2, 4, ("rom",), "distribution")
    helpers = found[f"events.event:{event.pk}"]
    assert (helpers.minimum, helpers.target, helpers.with_children) == (1, 3, True)
    assert helpers.starts_at == event.starts_at - timedelta(minutes=30)


def test_shifts_follow_the_need_until_corrected_by_hand(work, coordinator):
    monday, day, event = work
    done = needs.sync_needs(*_week(monday), by=coordinator)
    assert len(done.created) == 2
    table = Shift.objects.get(need_key=f"distribution.day:{day.pk}")
    assert (table.min_people, table.target_people, table.languages_needed) == (2, 4, ["rom"])
    assert table.signup_mode == SignupMode.ASSIGNED
    helpers = Shift.objects.get(need_key=f"events.event:{event.pk}")
    assert [s.name for s in helpers.skills_everyone.all()] == ["Ποινικό μητρώο (εργασία με παιδιά)"]
    assert len(needs.sync_needs(*_week(monday), by=coordinator).unchanged) == 2  # nothing twice
    Event.objects.filter(pk=event.pk).update(places_taken=55)
    again = needs.sync_needs(*_week(monday), by=coordinator)
    assert [s.pk for s in again.updated] == [helpers.pk]
    helpers.refresh_from_db()
    assert helpers.target_people == 4
    local = timezone.localtime(helpers.starts_at)
    shifts.update_shift(helpers, location=helpers.location, day=local.date(), start_time=local.time(),
                        end_time=timezone.localtime(helpers.ends_at).time(), by=coordinator, min_people=2,
                        target_people=2, max_people=5)
    Event.objects.filter(pk=event.pk).update(places_taken=10)
    assert [s.pk for s in needs.sync_needs(*_week(monday), by=coordinator).kept_by_hand] == [helpers.pk]
    helpers.refresh_from_db()
    assert (helpers.min_people, helpers.target_people) == (2, 2)


def test_the_planner_page_makes_the_shifts_then_fills_them(work, coordinator_client):
    monday, day, event = work
    for _ in range(3):
        available_always(VolunteerFactory())
    speaker = available_always(VolunteerFactory())
    speaker.languages.create(language="rom")
    response = coordinator_client.post(reverse("volunteers:plan_new"), {
        "starts_on": monday.isoformat(), "weeks": 1, "from_needs": "on"})
    proposal = PlanProposal.objects.get()
    assert response.url == reverse("volunteers:plan", args=[proposal.pk])
    table = Shift.objects.get(need_key=f"distribution.day:{day.pk}")
    on_table = set(proposal.lines.filter(shift=table).values_list("volunteer_id", flat=True))
    assert speaker.pk in on_table and len(on_table) == 4
    # Nobody holds the certificate for work with children: the event's shift says so.
    [gap] = proposal.shortfalls
    assert gap["binding"] == "certificate"
