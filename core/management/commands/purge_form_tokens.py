from django.core.management.base import BaseCommand

from core.once import KEEP_DAYS, purge_spent_tokens


class Command(BaseCommand):
    help = "Delete the spent one-time form tokens older than a month (core.once); safe to run daily."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=KEEP_DAYS, help="Keep tokens spent within this many days.")

    def handle(self, *args, days, **options):
        self.stdout.write(f"{purge_spent_tokens(older_than_days=days)} spent form tokens deleted")
