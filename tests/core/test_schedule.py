"""The worker's schedule (core.schedule): each job once per slot however many workers tick, daily jobs
after their time, and every job a command that exists."""

from datetime import datetime, timedelta

from django.core.management import get_commands
from django.utils import timezone

from core.message_models import ScheduledRun
from core.schedule import DEFAULT_SCHEDULE, tick


def test_each_job_is_enqueued_once_per_slot(db, settings, django_capture_on_commit_callbacks):
    settings.SCHEDULE = [("send_due_messages", "", [], 15, None),
                         ("apply_retention", "apply_retention", [], None, "02:30")]
    night = timezone.make_aware(datetime(2026, 12, 6, 1, 0))
    with django_capture_on_commit_callbacks() as callbacks:
        assert tick(night) == ["send_due_messages"]  # not yet 02:30
        later = night + timedelta(hours=2)
        assert tick(later) == ["send_due_messages", "apply_retention"]
        assert tick(later) == []  # a second worker in the same slot: nothing
        assert tick(later + timedelta(seconds=15)) == ["send_due_messages"]
        assert tick(later + timedelta(hours=5)) == ["send_due_messages"]  # once that day
        assert tick(later + timedelta(days=1)) == ["send_due_messages", "apply_retention"]
    assert len(callbacks) == 7  # one enqueue per claimed slot, after the commit
    assert ScheduledRun.objects.filter(job="apply_retention").count() == 2


def test_every_scheduled_job_is_a_command():
    commands = get_commands()
    for job, command, _args, every, at in DEFAULT_SCHEDULE:
        assert bool(every) != bool(at), job
        assert job == "send_due_messages" or command in commands, command
