from django.urls import path
from django.views.generic import RedirectView

from core.roles import public

from .views import donations, items, kits, packs, stock, stocktakes

app_name = "inventory"

urlpatterns = [
    path("", public(RedirectView.as_view(pattern_name="inventory:stock")), name="index"),
    path("stock/", stock.StockListView.as_view(), name="stock"),
    path("expiring/", stock.ExpiringView.as_view(), name="expiring"),
    path("report/", stock.movement_report, name="report"),
    path("levels/<int:pk>/write-off/", stock.write_off, name="write_off"),
    path("items/", items.ItemListView.as_view(), name="items"),
    path("items/new/", items.item_edit, name="item_new"),
    path("items/<int:pk>/", items.item_detail, name="item"),
    path("items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("items/<int:pk>/barcodes/", items.barcode_add, name="barcode_add"),
    path("barcodes/<int:pk>/remove/", items.barcode_remove, name="barcode_remove"),
    path("barcodes/attach/", items.barcode_attach, name="barcode_attach"),
    path("labels/", items.labels, name="labels"),
    path("items/<int:pk>/packs/", packs.pack_add, name="pack_add"),
    path("packs/<int:pk>/remove/", packs.pack_remove, name="pack_remove"),
    path("packs/<int:pk>/labels/", packs.pack_labels, name="pack_labels"),
    path("items/<int:pk>/kit/", kits.kit_line_add, name="kit_line_add"),
    path("kit-components/<int:pk>/remove/", kits.kit_line_remove, name="kit_line_remove"),
    path("items/<int:pk>/kit/assemble/", kits.kit_assemble, name="kit_assemble"),
    path("movements/<int:pk>/reverse/", items.movement_reverse, name="movement_reverse"),
    path("donors/", donations.DonorListView.as_view(), name="donors"),
    path("donors/new/", donations.donor_edit, name="donor_new"),
    path("donors/<int:pk>/", donations.donor_edit, name="donor_edit"),
    path("donations/", donations.DonationListView.as_view(), name="donations"),
    path("donations/new/", donations.donation_new, name="donation_new"),
    path("donations/<int:pk>/", donations.donation_detail, name="donation"),
    path("donations/<int:pk>/lines/", donations.donation_line_add, name="donation_line_add"),
    path("donations/<int:pk>/lines/<int:line_pk>/remove/", donations.donation_line_remove,
         name="donation_line_remove"),
    path("donations/<int:pk>/receive/", donations.donation_receive, name="donation_receive"),
    path("donations/<int:pk>/delete/", donations.donation_delete, name="donation_delete"),
    path("donations/<int:pk>/receipt.pdf", donations.donation_receipt, name="donation_receipt"),
    path("transfers/", stock.TransferListView.as_view(), name="transfers"),
    path("transfers/new/", stock.transfer_new, name="transfer_new"),
    path("transfers/<int:pk>/", stock.transfer_detail, name="transfer"),
    path("stocktakes/", stocktakes.StockTakeListView.as_view(), name="stocktakes"),
    path("stocktakes/new/", stocktakes.stocktake_new, name="stocktake_new"),
    path("stocktakes/<int:pk>/", stocktakes.stocktake_detail, name="stocktake"),
    path("stocktakes/<int:pk>/counts/", stocktakes.count_add, name="count_add"),
    path("stocktakes/<int:pk>/counts/<int:count_pk>/remove/", stocktakes.count_remove, name="count_remove"),
    path("stocktakes/<int:pk>/review/", stocktakes.stocktake_review, name="stocktake_review"),
    path("stocktakes/<int:pk>/post/", stocktakes.stocktake_post, name="stocktake_post"),
    path("stocktakes/<int:pk>/cancel/", stocktakes.stocktake_cancel, name="stocktake_cancel"),
]
