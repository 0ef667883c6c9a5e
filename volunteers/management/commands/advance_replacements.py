from django.core.management.base import BaseCommand

from volunteers.services.swaps import advance


class Command(BaseCommand):
    help = ("Offered shifts: ask the next replacement when the time to answer ran out, end offers whose shift "
            "started. Run every few minutes by the worker; safe to run at once from several places.")

    def handle(self, *args, **options):
        done = advance()
        self.stdout.write(f"{done['asked']} asked, {done['nobody']} with nobody left, {done['ended']} ended.")
