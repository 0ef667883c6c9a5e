"""The periodic jobs, run by the worker (`manage.py run_worker`) instead of cron lines.

django-tasks has no scheduler of its own. This one is a table and a claim: each job is a management
command with either `every` (seconds) or `at` ("HH:MM", local time, daily; a worker that was down at
that time runs it when it comes back that day). Every tick each worker computes the job's current
slot and inserts ScheduledRun(job, slot): the unique constraint lets exactly one worker win, and that
one enqueues the job on the task backend. So one, two or ten workers, on the database or on Redis,
run each job once per slot, and no second scheduler process is needed. SCHEDULE in settings may
replace the table (an empty list turns the schedule off).
"""

import logging
from datetime import time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.message_models import ScheduledRun

logger = logging.getLogger(__name__)

# (job, command, args, every seconds | None, daily at "HH:MM" | None): the README's former cron lines.
DEFAULT_SCHEDULE = [
    ("send_due_messages", "", [], 15, None),
    ("send_reminders", "send_reminders", [], 600, None),
    ("advance_replacements", "advance_replacements", [], 120, None),
    ("send_coordinator_digest", "send_coordinator_digest", [], None, "07:00"),
    ("send_event_reminders", "send_event_reminders", [], None, "09:00"),
    ("apply_retention", "apply_retention", [], None, "02:30"),
    ("purge_event_registrations", "purge_event_registrations", [], None, "02:35"),
    ("check_stock", "check_stock", [], None, "02:45"),
    ("purge_request_ids", "purge_request_ids", [], None, "02:50"),
    ("purge_form_tokens", "purge_form_tokens", [], None, "02:55"),
    ("purge_messages", "purge_messages", [], None, "03:00"),
    ("prune_task_results", "prune_db_task_results", ["--min-age-days", "7"], None, "03:05"),
]


def schedule() -> list[tuple]:
    table = getattr(settings, "SCHEDULE", None)
    return DEFAULT_SCHEDULE if table is None else table


def slot(now, every: int | None, at: str | None) -> str | None:
    """The job's current slot, or None when a daily job's time has not come yet today."""
    if every:
        return str(int(now.timestamp()) // int(every))
    local = timezone.localtime(now)
    hour, minute = (int(part) for part in at.split(":"))
    if local.time() < time(hour, minute):
        return None
    return local.date().isoformat()


def enqueue(job: str, command: str, args: list[str]):
    from core.tasks import run_command, send_due_messages

    if job == "send_due_messages":
        return send_due_messages.enqueue()
    return run_command.enqueue(command, list(args))


def tick(now=None) -> list[str]:
    """Enqueue every job whose slot this worker claims first; returns their names."""
    now = now or timezone.now()
    started = []
    for job, command, args, every, at in schedule():
        if command == "prune_db_task_results" and not _database_backend():
            continue
        current = slot(now, every, at)
        if current is None:
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(job=job, slot=current, enqueued_at=now)
                transaction.on_commit(lambda j=job, c=command, a=args: _enqueue_logged(j, c, a))
        except IntegrityError:
            continue  # another worker (or this one earlier) has it
        started.append(job)
    return started


def _enqueue_logged(job, command, args):
    try:
        enqueue(job, command, args)
    except Exception:  # noqa: BLE001 - the next slot tries again; the job is idempotent
        logger.exception("Could not enqueue the periodic job %s", job)


def _database_backend() -> bool:
    return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db")


def forget_old_runs(*, days: int = 7, now=None) -> int:
    now = now or timezone.now()
    return ScheduledRun.objects.filter(enqueued_at__lt=now - timedelta(days=days)).delete()[0]
