from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")
    access = {
        "inventory.view_items": (("staff",), _("Items (goods) and their values")),
        "inventory.view_stock": (("staff",), _("Stock levels")),
        # Volunteers may help count at a stock-take: they find items by code, not values or donors.
        "inventory.count_stock": (("staff", "volunteer"), _("Counting at a stock-take")),
        "inventory.manage_stocktakes": (("staff",), _("Starting, reviewing and posting stock-takes")),
        "inventory.manage_items": (("staff",), _("Items' pack sizes and kit contents")),
        "inventory.assemble_kits": (("staff",), _("Assembling and taking apart kits")),
    }
    navigation = [
        ("inventory:stock", _("Stock"), "inventory.view_stock"),
        ("inventory:donations", _("Donations"), ("staff",)),
        ("inventory:items", _("Items"), "inventory.view_items"),
        ("inventory:stocktakes", _("Stock-takes"), "inventory.count_stock"),
    ]

    def ready(self):
        from core.idempotency import register_purger

        from .services.kits import purge_request_ids

        register_purger("kits", purge_request_ids)

    def home_panels(self, request, role):
        from core.roles import STAFF, has_role

        if not has_role(request.user, STAFF):
            return []
        from django.utils import timezone

        from . import selectors

        low = selectors.low_stock()
        expiring = list(selectors.expiring_soon(days=selectors.EXPIRY_WARNING_DAYS)[:8])
        return [{
            "title": _("Stock to watch"),
            "template": "inventory/_home_panel.html",
            "context": {"low": low[:8], "low_count": len(low), "expiring": expiring,
                        "days": selectors.EXPIRY_WARNING_DAYS, "today": timezone.localdate()},
        }]
