"""Remind everyone confirmed for tomorrow's events. Run daily (cron); running it twice sends nothing twice."""

from django.core.management.base import BaseCommand

from events.services.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the day-before reminders for events that start tomorrow (idempotent)."

    def handle(self, *args, **options):
        sent = send_reminders()
        self.stdout.write(f"{sent} reminders sent.")
