"""manage.py check_stock: recompute every stock level from the ledger and report any difference."""

from django.core.management.base import BaseCommand, CommandError

from core.models import Location
from inventory.models import Item
from inventory.selectors import stock_differences
from inventory.services import format_quantity


class Command(BaseCommand):
    help = "Recompute every stock level from the ledger; exit non-zero when any level differs."

    def handle(self, *args, **options):
        differences = stock_differences()
        if not differences:
            self.stdout.write(self.style.SUCCESS("check_stock: 0 differences; every level equals its ledger."))
            return
        items = Item.objects.in_bulk({x.item_id for x in differences})
        locations = Location.objects.in_bulk({x.location_id for x in differences})
        for x in differences:
            self.stdout.write(
                f"{items[x.item_id].name_el} @ {locations[x.location_id].name} lot={x.lot or '-'} "
                f"expiry={x.expiry_date or '-'}: level {format_quantity(x.level)} != ledger "
                f"{format_quantity(x.ledger)}"
            )
        raise CommandError(f"check_stock: {len(differences)} levels differ from the ledger.")
