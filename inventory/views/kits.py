"""A kit's bill of contents, and assembling or taking kits apart at a location."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.refusals import show_refusal
from core.roles import role_required

from ..forms import KitAssembleForm, KitLineForm
from ..models import Item, KitComponent
from ..services import InsufficientStock, kits


def _form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
@role_required("inventory.manage_items")
def kit_line_add(request, pk):
    kit = get_object_or_404(Item, pk=pk)
    form = KitLineForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("inventory:item", pk=kit.pk)
    lines = [(c.component, c.quantity) for c in kit.kit_components.select_related("component")
             if c.component_id != form.cleaned_data["component"].pk]
    try:
        kits.set_kit_contents(kit, [*lines, (form.cleaned_data["component"], form.cleaned_data["quantity"])],
                              by=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The kit's contents were saved."))
    return redirect("inventory:item", pk=kit.pk)


@require_POST
@role_required("inventory.manage_items")
def kit_line_remove(request, pk):
    line = get_object_or_404(KitComponent.objects.select_related("kit"), pk=pk)
    kit = line.kit
    kits.set_kit_contents(kit, [(c.component, c.quantity) for c in kit.kit_components.select_related("component")
                                if c.pk != line.pk], by=request.user)
    messages.success(request, _("The kit's contents were saved."))
    return redirect("inventory:item", pk=kit.pk)


@require_POST
@role_required("inventory.assemble_kits")
def kit_assemble(request, pk):
    kit = get_object_or_404(Item, pk=pk)
    form = KitAssembleForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("inventory:item", pk=kit.pk)
    data = form.cleaned_data
    action = kits.assemble_kits if data["action"] == KitAssembleForm.ASSEMBLE else kits.disassemble_kits
    try:
        action(kit, location=data["location"], count=data["count"], by=request.user)
    except (ValidationError, InsufficientStock) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Kits assembled: %(count)s.") % {"count": data["count"]}
                         if data["action"] == KitAssembleForm.ASSEMBLE
                         else _("Kits taken apart: %(count)s.") % {"count": data["count"]})
    return redirect("inventory:item", pk=kit.pk)
