"""The worker's tasks (Django's tasks framework through the django-tasks backport; the backend is
TASKS in settings: the database by default, RQ on Redis for a larger deployment)."""

import io

from django.core.management import call_command
from django_tasks import task


@task()
def deliver_messages(ids: list[int]) -> dict:
    """Send these outbox messages now (those another worker already took are skipped)."""
    from core.messaging.delivery import deliver

    return deliver(ids=ids)


@task()
def send_due_messages() -> dict:
    """The sweep: every due message (first tries whose wake-up was lost, retries, leases run out)."""
    from core.messaging.delivery import deliver

    return deliver()


@task()
def run_command(name: str, args: list[str]) -> str:
    """A periodic job of the schedule (core.schedule): a management command, its output returned."""
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=out)
    return out.getvalue()[-2000:]
