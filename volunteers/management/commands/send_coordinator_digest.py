from django.core.management.base import BaseCommand

from core.management.centres import add_centre_argument, centres
from volunteers.services.coordinator_notices import send_digests


class Command(BaseCommand):
    help = ("Send the coordinators who asked for it their morning summary of each centre they coordinate "
            "(places given back since the last one, shifts of the next 7 days short of people), centre by "
            "centre (--centre SLUG: one centre). Run once each morning; a second run on the same day sends "
            "nothing again.")

    def add_arguments(self, parser):
        add_centre_argument(parser)

    def handle(self, *args, centre="", **options):
        for current in centres(centre):
            sent = send_digests()
            self.stdout.write(f"{current.slug}: {sent} summary(ies) sent.")
