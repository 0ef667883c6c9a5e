"""An item's pack sizes: add, remove, print labels per pack."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit
from core.models import AuditLog
from core.refusals import show_refusal
from core.roles import role_required

from .. import pdf, services
from ..forms import PackForm, PackLabelForm
from ..models import Item, Pack


@require_POST
@role_required("inventory.manage_items")
def pack_add(request, pk):
    item = get_object_or_404(Item, pk=pk)
    form = PackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            pack = services.add_pack(item, name=data["name"], units=data["units"], code=data["code"], by=request.user)
        except ValidationError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The pack %(pack)s was added.") % {"pack": pack.label})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("inventory:item", pk=item.pk)


@require_POST
@role_required("inventory.manage_items")
def pack_remove(request, pk):
    pack = get_object_or_404(Pack.objects.select_related("item"), pk=pk)
    services.remove_pack(pack, by=request.user)
    messages.success(request, _("The pack %(pack)s was removed.") % {"pack": pack.label})
    return redirect("inventory:item", pk=pack.item_id)


@require_POST
@role_required("inventory.view_items")
def pack_labels(request, pk):
    """A sheet of the pack's own Code128 labels (PDF): the item, the pack and its code."""
    pack = get_object_or_404(Pack.objects.select_related("item"), pk=pk)
    form = PackLabelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from 1 to 240 labels."))
        return redirect("inventory:item", pk=pack.item_id)
    code = services.own_pack_barcode(pack).code
    sheet = [(f"{pack.item.name_el} · {pack.label}", code)] * form.cleaned_data["copies"]
    audit(AuditLog.Action.EXPORT, None, object_repr=f"pack labels: {len(sheet)}")
    response = HttpResponse(pdf.label_sheet(sheet), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="pack-labels.pdf"'
    return response
