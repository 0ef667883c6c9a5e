"""Remind everyone confirmed for tomorrow's events. Run daily (cron); running it twice sends nothing twice.

Per centre: each centre's reminders go out in its own scope (its name and phone in the message)."""

from django.core.management.base import BaseCommand

from core.management.centres import add_centre_argument, centres
from events.services.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the day-before reminders for events that start tomorrow (idempotent), centre by centre."

    def add_arguments(self, parser):
        add_centre_argument(parser)

    def handle(self, *args, centre, **options):
        for each in centres(centre):
            sent = send_reminders()
            self.stdout.write(f"{each.slug}: {sent} reminders sent.")
