from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_STAFF_MODELS = ["item", "barcode", "lowstockthreshold", "donor", "donation", "donationline", "transfer",
                 "stocktake", "stocktakecount"]
_STAFF_PERMISSIONS = (
    [f"inventory.{action}_{model}" for model in _STAFF_MODELS for action in ("view", "add", "change")]
    + ["inventory.view_stocklevel", "inventory.view_stockmovement", "inventory.add_stockmovement",
       "inventory.delete_donationline", "inventory.delete_barcode", "inventory.delete_stocktakecount"]
)


class InventoryConfig(AppConfig):
    name = "inventory"
    verbose_name = _("Inventory")
    role_permissions = {
        "coordinator": _STAFF_PERMISSIONS,
        "staff": _STAFF_PERMISSIONS,
        # Volunteers may help count at a stock-take; they see items, not values or donors.
        "volunteer": ["inventory.view_item", "inventory.view_stocktake", "inventory.add_stocktakecount"],
    }
    navigation = [
        ("inventory:stock", _("Stock"), ("staff",)),
        ("inventory:donations", _("Donations"), ("staff",)),
        ("inventory:items", _("Items"), ("staff",)),
        ("inventory:stocktakes", _("Stock-takes"), ("staff", "volunteer")),
    ]

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
