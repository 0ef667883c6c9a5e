"""The rota for the coordinator and the volunteers: every future shift bookable ahead, by month; a
volunteer's "no" reaches the coordinator and marks the gap; the message to those who could fill
a shift carries its link and a one-tap "I'll take it" and skips those who declined; several people
assigned at once, with the wider list when nobody fits; the shifts at a distribution day's and an
event's place and time, through core's registry (distribution and events do not import volunteers)."""

import ast
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import messaging
from distribution.models import DistributionDay
from tests.distribution.days_helpers import programme
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from volunteers.models import Assignment
from volunteers.services import signups

from .factories import ShiftFactory, VolunteerFactory, available_always

pytestmark = pytest.mark.django_db


def test_a_volunteer_sees_shifts_months_ahead_grouped_by_month(client):
    volunteer = available_always(VolunteerFactory())
    soon = ShiftFactory(starts_at=timezone.now() + timedelta(days=3))
    later = ShiftFactory(starts_at=timezone.now() + timedelta(days=36))
    far = ShiftFactory(starts_at=timezone.now() + timedelta(days=120))
    client.force_login(volunteer.user)
    page = client.get(reverse("volunteers:me"))
    shown = [s.pk for s in page.context["open_shifts"]]
    assert shown == [soon.pk, later.pk, far.pk], "no 28-day horizon"
    html = page.content.decode()
    assert html.count('data-testid="open-month"') == len({s.starts_at.strftime("%Y-%m") for s in (soon, later, far)})
    client.post(reverse("volunteers:my_shift_action", args=[far.pk, "take"]))
    assert Assignment.objects.get(shift=far).status == "confirmed", "bookable ahead"


def test_a_decline_tells_the_coordinator_and_marks_the_gap(client, mailoutbox, django_capture_on_commit_callbacks):
    coordinator = UserFactory(role="coordinator", email="syntonistria@example.org")
    UserFactory(role="staff", email="staff@example.org")
    volunteer = VolunteerFactory(first_name="Ελένη", last_name="Σαλή")
    shift = ShiftFactory(min_people=1)
    assignment = signups.assign(shift, volunteer, by=coordinator, quiet=True)
    signups.confirm(assignment, by=volunteer.user)
    mailoutbox.clear()
    client.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers:my_assignment_answer", args=[assignment.pk, "decline"]), {"confirmed": "yes"})
    assignment.refresh_from_db()
    assert assignment.status == "declined" and assignment.dropped_out_at is not None
    assert assignment.status_text() == "Το αρνήθηκε ο/η εθελοντής/τρια"
    (mail,) = mailoutbox
    assert mail.to == ["syntonistria@example.org"] and "δεν θα έρθει" in mail.subject
    assert "Εθελοντής/τρια: Ελένη Σαλή" in mail.body and f"/volunteers/shifts/{shift.pk}/" in mail.body
    assert mail.body.startswith("Γεια σας,")
    client.force_login(coordinator)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="dropouts"' in home and "Ελένη Σαλή" in home
    board = client.get(reverse("volunteers:board")).content.decode()
    assert f'data-testid="dropped-{shift.pk}"' in board and "Το αρνήθηκε ο/η εθελοντής/τρια: Ελένη Σαλή" in board
    assert "Απορρίφθηκε" not in board


def test_leaving_tells_the_coordinator_but_a_removal_does_not(mailoutbox, django_capture_on_commit_callbacks):
    coordinator = UserFactory(role="coordinator", email="syntonistria@example.org")
    leaver, removed = VolunteerFactory(), VolunteerFactory()
    shift = ShiftFactory(max_people=3)
    signups.take_shift(leaver, shift)
    taken = signups.take_shift(removed, shift)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signups.leave_shift(leaver, shift, by=leaver.user)
    assert [m.to for m in mailoutbox] == [["syntonistria@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        signups.remove(taken, by=coordinator, notify_volunteer=False)
    assert len(mailoutbox) == 1
    assert Assignment.objects.get(pk=taken.pk).dropped_out_at is None


def test_message_to_candidates_has_the_link_and_skips_who_declined(coordinator_client, sms_outbox):
    shift = ShiftFactory(min_people=2, max_people=3)
    decliner = available_always(VolunteerFactory(first_name="Νίκος"))
    other = available_always(VolunteerFactory(first_name="Σοφία"))
    coordinator = UserFactory(role="coordinator")
    given = signups.assign(shift, decliner, by=coordinator, quiet=True)
    signups.decline(given, by=decliner.user)
    sms_outbox.clear()
    coordinator_client.post(reverse("volunteers:shift_message", args=[shift.pk, "candidates"]),
                            {"text": "Χρειαζόμαστε βοήθεια στη διανομή του Σαββάτου, όποιος μπορεί."})
    recipients = {m.to for m in sms_outbox}
    assert recipients == {other.phone}, "the one who declined is not asked again"
    (sms,) = sms_outbox
    take = f"/volunteers/me/shifts/{shift.pk}/take/"
    assert take in sms.text and messaging.sms_segments(sms.text) <= 2
    # the link opens a page with one button; the link alone books nothing
    from django.test import Client

    phone = Client()
    phone.force_login(other.user)
    page = phone.get(take)
    assert page.templates[0].name == "core/confirm.html" and "Την αναλαμβάνω" in page.content.decode()
    assert not Assignment.objects.filter(shift=shift, volunteer=other).exists()
    phone.post(take, {"confirmed": "yes"})
    assert Assignment.objects.get(shift=shift, volunteer=other).status == "confirmed"


def test_assign_several_at_once_and_the_wider_list(coordinator_client):
    shift = ShiftFactory(min_people=3, max_people=4, languages_needed=["ar"])
    people = [available_always(VolunteerFactory()) for _ in range(3)]
    url = reverse("volunteers:shift_assign", args=[shift.pk])
    page = coordinator_client.get(url)
    assert page.context["widened"], "nobody speaks Arabic: the wider list is offered at once"
    assert 'data-testid="widened"' in page.content.decode()
    assert {c.volunteer for c in page.context["candidates"]} == set(people)
    coordinator_client.post(url, {"volunteers": [p.pk for p in people]})
    assert Assignment.objects.filter(shift=shift, status="assigned").count() == 3


def test_day_and_event_pages_show_the_shifts_there_with_their_gaps(staff_client):
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=2), time(9)))
    shift = ShiftFactory(starts_at=start, ends_at=start + timedelta(hours=4), min_people=3, max_people=4)
    signups.take_shift(VolunteerFactory(first_name="Σοφία"), shift)
    day = DistributionDay.objects.create(date=start.date(), location=shift.location, programme=programme(),
                                         starts_at=time(10), ends_at=time(12))
    page = staff_client.get(reverse("distribution:day", args=[day.pk])).content.decode()
    assert 'data-testid="shifts-at"' in page and "Σοφία" in page and "λείπουν 2 άτομα" in page
    event = EventFactory(location=shift.location, starts_at=start + timedelta(hours=1),
                         ends_at=start + timedelta(hours=2))
    page = staff_client.get(reverse("events:staff_event", args=[event.pk])).content.decode()
    assert 'data-testid="shifts-at"' in page and "λείπουν 2 άτομα" in page


@pytest.mark.parametrize("app", ["distribution", "events", "inventory", "core"])
def test_the_other_apps_do_not_import_volunteers(app):
    for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n == "volunteers" or n.startswith("volunteers.") for n in names), path
