"""`manage.py run_worker`: the background worker — sends the outbox and runs the periodic jobs.

On the database backend (the default) this process is the whole worker: a schedule thread
(core.schedule.tick every few seconds) and django-tasks-db's worker loop. On RQ (TASKS_BACKEND=rq)
the same schedule thread runs next to django-rq's worker. `--drain` sends every due message and
exits (tests, a one-off after an outage).
"""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string

logger = logging.getLogger("core.worker")


def schedule_loop(stop: threading.Event, every: float) -> None:
    from core.schedule import tick

    while not stop.is_set():
        try:
            close_old_connections()
            tick()
        except Exception:  # noqa: BLE001 - a database hiccup: try again next tick
            logger.exception("The schedule could not run this tick")
        stop.wait(every)
    connection.close()


class Command(BaseCommand):
    help = "Run the background worker: send queued messages and run the periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--queue", default=None, help="Task queue(s), comma-separated (default: all of ours).")
        parser.add_argument("--no-schedule", action="store_true", help="Do not run the periodic jobs here.")
        parser.add_argument("--drain", action="store_true", help="Send every due message, then exit.")
        parser.add_argument("--burst", action="store_true", help="Run the queued tasks, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")

    def handle(self, *, queue, no_schedule, drain, burst, interval, verbosity, **options):
        if drain:
            from core.messaging.delivery import deliver

            counts = deliver()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")
            return
        stop = threading.Event()
        if not no_schedule and not burst:
            thread = threading.Thread(target=schedule_loop, args=(stop, settings.SCHEDULE_TICK_SECONDS),
                                      name="schedule", daemon=True)
            thread.start()
        queues = (queue or ",".join(sorted({"default", settings.MESSAGES_TASK_QUEUE}))).split(",")
        backend = settings.TASKS["default"]["BACKEND"]
        try:
            if backend.startswith("django_tasks_rq"):
                call_command("rqworker", *queues, burst=burst, verbosity=verbosity,
                             job_class="django_tasks_rq.backend.Job")  # runs django-tasks' Task objects
            elif backend.startswith("django_tasks_db"):
                from django_tasks_db.management.commands.db_worker import Worker

                worker = Worker(queue_names=queues, interval=interval, batch=burst, backend_name="default",
                                startup_delay=not burst, max_tasks=None, worker_id=get_random_string(32),
                                excluded_queue_names=[])
                worker.configure_signals()
                worker.run()
            else:  # immediate or dummy backends run nothing in the background: sweep the outbox
                while not stop.wait(interval):
                    from core.messaging.delivery import deliver

                    close_old_connections()
                    deliver()
                    if burst:
                        break
        finally:
            stop.set()
