from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.audit import audit
from core.models import AuditLog
from core.refusals import refusal_text, show_refusal
from core.roles import role_required
from core.views_base import FilteredTableView

from .. import pdf, selectors, services
from ..filters import ItemFilter, MovementFilter
from ..forms import (
    AttachCodeForm,
    BarcodeForm,
    ItemForm,
    KitAssembleForm,
    KitLineForm,
    LabelForm,
    PackForm,
    ReverseForm,
)
from ..models import Barcode, Item, LowStockThreshold, StockMovement
from ..tables import ItemTable, MovementTable
from .common import safe_next, with_query


class ItemListView(FilteredTableView):
    model = Item
    table_class = ItemTable
    filterset_class = ItemFilter
    access = "inventory.view_items"
    template_name = "inventory/items.html"

    def get_queryset(self):
        return Item.objects.prefetch_related(Prefetch("barcodes", queryset=Barcode.objects.order_by("kind", "code")))

    @property
    def title(self):
        return _("Items")


@role_required("inventory.view_items")
def item_edit(request, pk=None):
    item = get_object_or_404(Item, pk=pk) if pk else Item()
    thresholds = dict(LowStockThreshold.objects.filter(item=item).values_list("location_id", "quantity")) if pk \
        else {}
    initial = {"barcode": request.GET.get("barcode", "")} if not pk else None
    form = ItemForm(request.POST or None, instance=item, thresholds=thresholds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.save_item(form.save(commit=False), by=request.user, thresholds=form.thresholds(),
                                      barcode=form.cleaned_data.get("barcode", ""))
        except ValidationError as exc:
            show_refusal(request, exc, form=form, field="barcode")
        else:
            messages.success(request, _("The item %(item)s was saved.") % {"item": item.name})
            target = safe_next(request, "")
            return redirect(with_query(target, item=item.pk) if target else reverse("inventory:item", args=[item.pk]))
    return render(request, "inventory/item_form.html", {
        "form": form, "item": item if pk else None, "next": safe_next(request, ""),
        "title": _("Edit item") if pk else _("New item"),
    })


@role_required("inventory.view_items")
def item_detail(request, pk):
    item = get_object_or_404(Item, pk=pk)
    history = MovementFilter(request.GET or None, queryset=selectors.item_history(item))
    table = MovementTable(history.qs, request=request, exclude=[])
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "inventory/item_detail.html", {
        "item": item, "title": item.name, "levels": selectors.item_levels(item), "filter": history,
        "table": table, "barcodes": item.barcodes.filter(pack__isnull=True), "barcode_form": BarcodeForm(),
        "packs": item.packs.prefetch_related("barcodes"), "pack_form": PackForm(),
        "kit_lines": item.kit_components.select_related("component"), "kit_line_form": KitLineForm(),
        "kit_form": KitAssembleForm(), "in_kits": item.in_kits.select_related("kit"),
        "thresholds": LowStockThreshold.objects.filter(item=item).select_related("location"),
    })


@require_POST
@role_required("inventory.view_items")
def barcode_add(request, pk):
    item = get_object_or_404(Item, pk=pk)
    form = BarcodeForm(request.POST)
    if form.is_valid():
        try:
            services.add_barcode(item, form.cleaned_data["code"], by=request.user)
            messages.success(request, _("The code was added."))
        except ValidationError as exc:
            show_refusal(request, exc)
    return redirect("inventory:item", pk=item.pk)


@require_POST
@role_required("inventory.view_items")
def barcode_remove(request, pk):
    barcode = get_object_or_404(Barcode, pk=pk)
    services.remove_barcode(barcode, by=request.user)
    messages.success(request, _("The code %(code)s was removed.") % {"code": barcode.code})
    return redirect("inventory:item", pk=barcode.item_id)


@require_POST
@role_required("inventory.view_items")
def barcode_attach(request):
    """From a scan page: attach an unknown scanned code to an existing item, then carry on with it."""
    form = AttachCodeForm(request.POST)
    target = safe_next(request, reverse("inventory:donations"))
    if not form.is_valid():
        messages.error(request, _("Choose the item to attach the code to."))
        return redirect(target)
    item = form.cleaned_data["item"]
    try:
        services.add_barcode(item, form.cleaned_data["code"], by=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect(target)
    return redirect(with_query(target, item=item.pk, attached=form.cleaned_data["code"]))


@role_required("inventory.view_items")
def labels(request):
    """Choose items and print sheets of our own Code128 labels (PDF)."""
    without_ean = list(Item.objects.filter(is_active=True).exclude(barcodes__kind=Barcode.Kind.EAN)
                       .values_list("pk", flat=True))
    preselected = request.GET.getlist("item") or without_ean
    form = LabelForm(request.POST or None, initial={"items": preselected})
    if request.method == "POST" and form.is_valid():
        sheet = []
        for item in form.cleaned_data["items"]:
            code = services.own_barcode(item).code
            sheet += [(item, code)] * form.cleaned_data["copies"]
        audit(AuditLog.Action.EXPORT, None, object_repr=f"labels: {len(sheet)}")
        response = HttpResponse(pdf.label_sheet(sheet), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="labels.pdf"'
        return response
    return render(request, "inventory/labels.html", {"form": form, "title": _("Print labels")})


@role_required("inventory.view_items")
def movement_reverse(request, pk):
    movement = get_object_or_404(StockMovement.objects.select_related("item", "location"), pk=pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reverse_movements([movement], by=request.user, reason_text=form.cleaned_data["reason_text"])
        except (ValidationError, services.InsufficientStock) as exc:
            form.add_error(None, refusal_text(exc) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("The movement was reversed with a correction."))
            return redirect("inventory:item", pk=movement.item_id)
    return render(request, "inventory/movement_reverse.html", {
        "form": form, "movement": movement, "title": _("Reverse a movement")})
