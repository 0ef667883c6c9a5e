"""manage.py check_stock: recompute every stock level from the ledger and report any difference, centre by
centre (--centre SLUG: one centre)."""

from django.core.management.base import BaseCommand, CommandError

from core.management.centres import add_centre_argument, centres
from core.models import Location
from inventory.models import Item
from inventory.selectors import stock_differences
from inventory.services import format_quantity


class Command(BaseCommand):
    help = "Recompute every stock level from the ledger, centre by centre; exit non-zero when any level differs."

    def add_arguments(self, parser):
        add_centre_argument(parser)

    def handle(self, *args, centre="", **options):
        total = 0
        for current in centres(centre):
            differences = stock_differences()
            total += len(differences)
            if not differences:
                self.stdout.write(self.style.SUCCESS(
                    f"[{current.slug}] check_stock: 0 differences; every level equals its ledger."))
                continue
            items = Item.objects.in_bulk({x.item_id for x in differences})
            locations = Location.objects.in_bulk({x.location_id for x in differences})
            for x in differences:
                self.stdout.write(
                    f"[{current.slug}] {items[x.item_id].name_el} @ {locations[x.location_id].name} "
                    f"lot={x.lot or '-'} expiry={x.expiry_date or '-'}: level {format_quantity(x.level)} != ledger "
                    f"{format_quantity(x.ledger)}"
                )
        if total:
            raise CommandError(f"check_stock: {total} levels differ from the ledger.")
