from django.core.management.base import BaseCommand

from distribution.services.cards import expire_cards
from distribution.services.households import apply_retention


class Command(BaseCommand):
    help = ("Anonymise households whose retention date has passed (statistics stay, the people go), "
            "and mark cards past their validity as expired. Run daily (cron).")

    def handle(self, *args, **options):
        anonymised = apply_retention()
        expired = expire_cards()
        self.stdout.write(f"anonymised households: {anonymised}; expired cards: {expired}")
