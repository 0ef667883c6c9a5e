from django.core.management.base import BaseCommand

from volunteers.services.coordinator_notices import send_digests


class Command(BaseCommand):
    help = ("Send the coordinators who asked for it their morning summary (places given back since the "
            "last one, shifts of the next 7 days short of people). Run once each morning from cron; "
            "a second run on the same day sends nothing again.")

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{sent} summary(ies) sent.")
