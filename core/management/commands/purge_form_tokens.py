"""Forget spent one-time form tokens older than FORM_TOKEN_LIFETIME_HOURS (run daily from cron)."""

from django.core.management.base import BaseCommand

from core.once import lifetime, purge_spent_tokens


class Command(BaseCommand):
    help = "Forget spent one-time form tokens (core.once) older than a token's lifetime."

    def handle(self, *args, **options):
        count = purge_spent_tokens()
        hours = int(lifetime().total_seconds() // 3600)
        self.stdout.write(f"{count} spent form tokens older than {hours} h forgotten")
