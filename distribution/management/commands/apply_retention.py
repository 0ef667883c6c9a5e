from django.core.management.base import BaseCommand

from core.management.centres import add_centre_argument, centres
from distribution.selectors import retention_preview
from distribution.services.cards import expire_cards
from distribution.services.retention import apply_retention


class Command(BaseCommand):
    help = ("Anonymise households whose retention date has passed (statistics stay, the people go), "
            "and mark cards past their validity as expired, centre by centre. A household whose retention "
            "date was set within the last 30 days waits for the coordinator's confirmation (page "
            "/distribution/retention/). Run daily (the worker's schedule).")

    def add_arguments(self, parser):
        add_centre_argument(parser)

    def handle(self, *args, centre, **options):
        for each in centres(centre):
            anonymised = apply_retention()
            held = sum(1 for household in retention_preview(days=0) if household.held)
            expired = expire_cards()
            self.stdout.write(f"{each.slug}: anonymised households: {anonymised}; held for confirmation: {held}; "
                              f"expired cards: {expired}")
