"""Forget the recipients and texts of finished messages older than MESSAGES_RETENTION_DAYS (the
worker runs it daily), and the schedule's record of old runs."""

from django.conf import settings
from django.core.management.base import BaseCommand

from core.messaging.services import purge_messages
from core.schedule import forget_old_runs


class Command(BaseCommand):
    help = "Remove the people from old messages of the outbox; forget old runs of the schedule."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=None, help="Days (default MESSAGES_RETENTION_DAYS).")

    def handle(self, *args, older_than=None, **options):
        days = older_than if older_than is not None else settings.MESSAGES_RETENTION_DAYS
        count = purge_messages(older_than_days=days)
        runs = forget_old_runs()
        self.stdout.write(f"{count} messages older than {days} days anonymised; {runs} old schedule runs forgotten")
