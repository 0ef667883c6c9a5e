from datetime import timedelta

from django.core.management.base import BaseCommand

from core.management.centres import add_centre_argument, centres
from volunteers.services.notices import reminder_lead_time, send_reminders


class Command(BaseCommand):
    help = ("Remind volunteers of shifts that start within the lead time (default: the "
            "VOLUNTEER_REMINDER_HOURS setting, 24), centre by centre (--centre SLUG: one centre). Safe to run "
            "every few minutes: each reminder is sent once.")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=None, help="Lead time in hours.")
        add_centre_argument(parser)

    def handle(self, *args, hours=None, centre="", **options):
        lead = timedelta(hours=hours) if hours is not None else reminder_lead_time()
        for current in centres(centre):
            sent = send_reminders(lead=lead)
            self.stdout.write(f"{current.slug}: {sent} reminder(s) sent.")
