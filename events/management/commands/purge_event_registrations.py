"""Anonymise the registrations of events that ended long enough ago. Run daily (cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from core.management.centres import add_centre_argument, centres
from events.services.retention import anonymise_past_registrations


class Command(BaseCommand):
    help = ("Remove names, contacts, answers and notes from the registrations of events that ended more than "
            "--older-than days ago (default EVENT_REGISTRATION_RETENTION_DAYS); places, status and check-ins stay "
            "for the attendance figures. Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=settings.EVENT_REGISTRATION_RETENTION_DAYS,
                            metavar="DAYS", help="days after the event's end (default: %(default)s)")
        add_centre_argument(parser)

    def handle(self, *args, older_than, centre, **options):
        for each in centres(centre):
            count = anonymise_past_registrations(older_than_days=older_than)
            self.stdout.write(f"{each.slug}: {count} registrations anonymised (events that ended more than "
                              f"{older_than} days ago).")
