from django.core.management.base import BaseCommand

from core.management.centres import add_centre_argument, centres
from volunteers.services.swaps import advance


class Command(BaseCommand):
    help = ("Offered shifts: ask the next replacement when the time to answer ran out, end offers whose shift "
            "started. Run every few minutes by the worker, centre by centre (--centre SLUG: one centre); safe to "
            "run at once from several places.")

    def add_arguments(self, parser):
        add_centre_argument(parser)

    def handle(self, *args, centre="", **options):
        for current in centres(centre):
            done = advance()
            self.stdout.write(f"{current.slug}: {done['asked']} asked, {done['nobody']} with nobody left, "
                              f"{done['ended']} ended.")
