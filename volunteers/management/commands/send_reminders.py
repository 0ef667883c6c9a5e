from datetime import timedelta

from django.core.management.base import BaseCommand

from volunteers.services.notices import reminder_lead_time, send_reminders


class Command(BaseCommand):
    help = ("Remind volunteers of shifts that start within the lead time (default: the "
            "VOLUNTEER_REMINDER_HOURS setting, 24). Safe to run every few minutes from cron: "
            "each reminder is sent once.")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=None, help="Lead time in hours.")

    def handle(self, *args, hours=None, **options):
        lead = timedelta(hours=hours) if hours is not None else reminder_lead_time()
        sent = send_reminders(lead=lead)
        self.stdout.write(f"{sent} reminder(s) sent.")
