"""Admin: catalogue data is editable; the ledger and levels are read-only (they change only through services)."""

from django.contrib import admin

from .models import Barcode, Donation, DonationLine, Donor, Item, LowStockThreshold, StockLevel, StockMovement


class BarcodeInline(admin.TabularInline):
    model = Barcode
    extra = 0


class ThresholdInline(admin.TabularInline):
    model = LowStockThreshold
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name_el", "name_en", "category", "unit", "weight_kg", "unit_value_eur", "food_group", "is_active"]
    list_filter = ["category", "food_group", "is_active"]
    search_fields = ["name_el", "name_en", "barcodes__code"]
    inlines = [BarcodeInline, ThresholdInline]


@admin.register(Donor)
class DonorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "tax_number", "phone"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DonationLineInline(admin.TabularInline):
    model = DonationLine
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Donation)
class DonationAdmin(ReadOnlyAdmin):
    list_display = ["id", "date", "donor", "location", "status"]
    list_filter = ["status", "location"]
    inlines = [DonationLineInline]


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ["item", "location", "lot", "expiry_date", "quantity", "updated_at"]
    list_filter = ["location"]
    search_fields = ["item__name_el"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["at", "reason", "item", "location", "lot", "quantity", "by", "document_type", "document_id"]
    list_filter = ["reason", "location"]
    search_fields = ["item__name_el", "document_id"]
