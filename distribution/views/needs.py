"""Needs: the coordinator's list, and recording or removing a need on the household page."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import audit
from core.models import AuditLog
from core.refusals import show_refusal
from core.roles import role_required

from ..models import Household, HouseholdNeed, Need
from ..need_forms import HouseholdNeedForm, NeedForm
from ..services import DistributionError
from ..services.needs import record_need, remove_need, save_need


def household_needs_context(request, household) -> dict:
    """The household page's section: shown to those who may manage needs (staff), else nothing."""
    from core.roles import may

    if not may(request.user, "distribution.manage_needs"):
        return {}
    return {"needs": HouseholdNeed.objects.filter(household=household).select_related("need", "person"),
            "need_form": HouseholdNeedForm(household=household)}


@role_required("distribution.keep_need_list")
def need_list(request, pk=None):
    need = get_object_or_404(Need, pk=pk) if pk else Need()
    form = NeedForm(request.POST or None, instance=need)
    if request.method == "POST" and form.is_valid():
        try:
            save_need(form.save(commit=False), by=request.user)
        except DistributionError as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("The need was saved."))
            return redirect("distribution:needs")
    return render(request, "distribution/need_list.html", {
        "title": _("Needs"), "needs": Need.objects.order_by("-is_active", "name_el"), "form": form, "need": need})


@require_http_methods(["GET", "POST"])
@role_required("distribution.manage_needs")
def household_needs(request, pk):
    """The household's needs on a page of their own (GET, audited), and recording one (POST)."""
    household = get_object_or_404(Household, pk=pk)
    if request.method == "GET":
        audit(AuditLog.Action.VIEW, household, changes={"fields": ["needs"]})
        return render(request, "distribution/household_needs.html", {
            "title": _("Needs of household %(id)s") % {"id": household.pk}, "household": household,
            **household_needs_context(request, household)})
    if household.status != Household.Status.ACTIVE:
        messages.error(request, _("Needs are recorded only for an active household."))
        return redirect("distribution:household", pk=pk)
    form = HouseholdNeedForm(request.POST, household=household)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_need(household, data["need"], person=data["person"], by=request.user,
                        legal_basis=data["legal_basis"], consent_date=data["consent_date"])
        except DistributionError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The need was recorded."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("distribution:household", pk=pk)


@require_POST
@role_required("distribution.manage_needs")
def household_need_remove(request, pk, record_pk):
    record = get_object_or_404(HouseholdNeed, pk=record_pk, household_id=pk)
    remove_need(record, by=request.user)
    messages.success(request, _("The need was removed."))
    return redirect("distribution:household", pk=pk)
