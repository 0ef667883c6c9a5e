"""The worker's tasks (Django's tasks framework through the django-tasks backport; the backend is
TASKS in settings: the database by default, RQ on Redis for a larger deployment)."""

import io
import logging

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

logger = logging.getLogger(__name__)


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
    from core.tenancy import installation_scope

    out = io.StringIO()
    # Explicitly over every centre: the jobs' records do not carry their centre yet; a job that works
    # per centre loops over core.tenancy.each_centre() itself. The failure's e-mails too.
    with installation_scope():
        try:
            call_command(name, *args, stdout=out, stderr=out)
        except Exception as error:
            # Cron e-mailed a failing job's output; the worker tells the coordinators by e-mail instead
            # (once a day per job), and the task is still recorded as failed.
            tell_coordinators_job_failed(name, f"{out.getvalue()}\n{error}"[-2000:])
            raise
    return out.getvalue()[-2000:]


def job_failure_recipients():
    """Who is told of a failed periodic job: the installation's administrators (active superusers) and,
    while the installation has a single active centre, its coordinators too (as before there were
    many). A job runs over every centre and its output names every centre's places: one centre's
    coordinator is not told what another's job printed."""
    from django.db.models import Q

    from core.models import Centre
    from core.roles import COORDINATOR
    from core.tenancy import scopes_disabled

    who = Q(is_superuser=True)
    with scopes_disabled():
        centres = list(Centre.objects.filter(is_active=True).values_list("pk", flat=True)[:2])
    if len(centres) == 1:
        who |= Q(memberships__centre_id=centres[0], memberships__role=COORDINATOR)
    return get_user_model().objects.filter(who, is_active=True).exclude(email="").distinct().order_by("pk")


def tell_coordinators_job_failed(job: str, output: str) -> int:
    """Queue an e-mail to each of `job_failure_recipients()`: which periodic job failed and the end of
    what it printed (the jobs print counts, items and places, never a person). The installation's
    message (no centre's). Returns how many."""
    from core.messaging import queue_message

    today = timezone.localdate().isoformat()
    queued = 0
    users = job_failure_recipients()
    with transaction.atomic():
        for user in users:
            with translation.override(user.language or None):
                subject = _("Kypseli: the periodic job %(job)s failed") % {"job": job}
                text = "\n\n".join([
                    _("The worker ran the periodic job %(job)s and it failed. What it printed last:") % {"job": job},
                    output.strip(),
                    _("Check it on the server (manage.py %(job)s) or ask whoever runs the installation.") % {
                        "job": job},
                ])
                if queue_message(channel="email", to=user.email, subject=subject, text=text, about=user,
                                 language=user.language or None, kind="job_failed",
                                 key=f"job-failed:{job}:{today}:{user.pk}"):
                    queued += 1
    logger.error("The periodic job %s failed; %d coordinator(s) told by e-mail", job, queued)
    return queued
