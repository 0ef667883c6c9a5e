"""Each coordinator chooses how she is told of a volunteer's "no": by e-mail or SMS at once, or only
on the board, and whether she wants a morning summary (places given back, shifts still short); the
choice is hers, checked (SMS needs a phone, e-mail an address), held by the database and audited;
the summary goes once a day however often the job runs."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core import messaging
from core.models import AuditLog, User
from core.services import save_notification_choice
from tests.factories import UserFactory
from volunteers.services import signups
from volunteers.services.coordinator_notices import send_digests

from .factories import ShiftFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def give_back(shift, volunteer, capture):
    signups.take_shift(volunteer, shift)
    with capture(execute=True):
        signups.leave_shift(volunteer, shift, by=volunteer.user)


def test_each_coordinator_is_told_as_she_chose(mailoutbox, django_capture_on_commit_callbacks, sms_outbox):
    UserFactory(role="coordinator", email="mail@example.org")
    by_sms = UserFactory(role="coordinator", email="sms@example.org", phone="6971234567",
                         notify_by=User.NotifyBy.SMS)
    board_only = UserFactory(role="coordinator", email="board@example.org", notify_by=User.NotifyBy.BOARD)
    sms_without_phone = UserFactory(role="coordinator", email="nophone@example.org", notify_by=User.NotifyBy.SMS)
    shift = ShiftFactory(min_people=2, max_people=3)
    mailoutbox.clear()
    sms_outbox.clear()
    give_back(shift, VolunteerFactory(first_name="Ελένη", last_name="Σαλή"), django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mailoutbox) == ["mail@example.org", "nophone@example.org"]
    (sms,) = [m for m in sms_outbox if m.to == "6971234567"]
    assert f"/volunteers/shifts/{shift.pk}/" in sms.text and messaging.sms_segments(sms.text) <= 2
    assert "Ελένη" not in sms.text  # the name stays off the phone's lock screen; the link shows it
    assert board_only.email not in [m.to[0] for m in mailoutbox] and by_sms.email not in [m.to[0] for m in mailoutbox]
    assert sms_without_phone.notify_by == "sms"  # told by e-mail instead (above), not left untold


def test_the_choice_is_checked_saved_and_audited(client):
    coordinator = UserFactory(role="coordinator", email="c@example.org")
    client.force_login(coordinator)
    page = client.get(reverse("volunteers:notifications"))
    assert page.status_code == 200 and 'value="board"' in page.content.decode()
    refused = client.post(reverse("volunteers:notifications"), {"notify_by": "sms", "phone": ""})
    assert refused.status_code == 200 and "αριθμός του κινητού σας" in refused.content.decode()
    unknown = client.post(reverse("volunteers:notifications"), {"notify_by": "pigeon"})
    assert unknown.status_code == 200
    done = client.post(reverse("volunteers:notifications"),
                       {"notify_by": "sms", "phone": "6970000000", "daily_digest": "on"})
    assert done.status_code == 302
    coordinator.refresh_from_db()
    assert (coordinator.notify_by, coordinator.daily_digest, coordinator.phone) == ("sms", True, "6970000000")
    entry = AuditLog.objects.filter(object_id=str(coordinator.pk), action=AuditLog.Action.CHANGE).latest("pk")
    assert "notify_by" in entry.changes and "daily_digest" in entry.changes
    board = client.get(reverse("volunteers:board")).content.decode()
    assert reverse("volunteers:notifications") in board


def test_no_email_address_means_no_email_choice_and_the_database_refuses_unknown_ways():
    coordinator = UserFactory(role="coordinator", email="")
    with pytest.raises(ValidationError):
        save_notification_choice(coordinator, notify_by="email", daily_digest=False, phone="", by=coordinator)
    with pytest.raises(ValidationError):
        save_notification_choice(coordinator, notify_by="board", daily_digest=True, phone="", by=coordinator)
    save_notification_choice(coordinator, notify_by="board", daily_digest=False, phone="", by=coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=coordinator.pk).update(notify_by="pigeon")


def test_pages_are_the_coordinators(client, volunteer_user, staff_client):
    assert staff_client.get(reverse("volunteers:notifications")).status_code == 403
    client.force_login(volunteer_user)
    assert client.post(reverse("volunteers:notifications"), {"notify_by": "board"}).status_code == 403


def test_morning_summary_lists_gaps_and_short_shifts_once_a_day(mailoutbox, django_capture_on_commit_callbacks):
    wants = UserFactory(role="coordinator", email="digest@example.org", notify_by=User.NotifyBy.BOARD,
                        daily_digest=True)
    UserFactory(role="coordinator", email="nodigest@example.org", notify_by=User.NotifyBy.BOARD)
    short = ShiftFactory(min_people=2, max_people=3, starts_at=timezone.now() + timedelta(days=3))
    later = ShiftFactory(min_people=2, starts_at=timezone.now() + timedelta(days=20))  # beyond 7 days
    give_back(short, VolunteerFactory(first_name="Νίκος", last_name="Αλιόγλου"), django_capture_on_commit_callbacks)
    assert mailoutbox == [], "board only: nothing at once"
    assert send_digests() == 1
    (mail,) = mailoutbox
    assert mail.to == ["digest@example.org"] and mail.body.startswith("Γεια σας,")
    assert "Νίκος Αλιόγλου" in mail.body and short.location.name in mail.body
    assert later.location.name not in mail.body
    assert reverse("volunteers:board") in mail.body
    call_command("send_coordinator_digest", stdout=None)
    assert send_digests() == 0 and len(mailoutbox) == 1, "once a day"
    wants.refresh_from_db()
    tomorrow = wants.digest_sent_at + timedelta(days=1)
    assert send_digests(now=tomorrow) == 1
    assert "Νίκος Αλιόγλου" not in mailoutbox[-1].body, "a gap is told in one summary only"


def test_a_morning_with_nothing_to_tell_sends_nothing(mailoutbox):
    UserFactory(role="coordinator", email="digest@example.org", daily_digest=True)
    ShiftFactory(min_people=1, max_people=1, starts_at=timezone.now() + timedelta(days=30))
    assert send_digests() == 0 and mailoutbox == []
