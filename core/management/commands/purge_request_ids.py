"""Forget the API request ids older than API_REQUEST_ID_RETENTION_HOURS (run daily from cron)."""

from django.core.management.base import BaseCommand

from core.idempotency import purge_request_ids, retention


class Command(BaseCommand):
    help = "Forget API request ids (scans, ticket check-ins) older than the retention window."

    def handle(self, *args, **options):
        counts = purge_request_ids()
        hours = int(retention().total_seconds() // 3600)
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} request ids older than {hours} h forgotten")
