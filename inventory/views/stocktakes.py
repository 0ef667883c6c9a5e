from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.roles import STAFF, VOLUNTEER, has_role, role_required
from core.views_base import FilteredTableView

from .. import selectors, services
from ..filters import StockTakeFilter
from ..forms import CountForm, StockTakeForm
from ..models import StockTake, StockTakeCount
from ..tables import StockTakeTable
from .common import error_text, scan_context, with_query


class StockTakeListView(FilteredTableView):
    model = StockTake
    table_class = StockTakeTable
    filterset_class = StockTakeFilter
    roles = (STAFF, VOLUNTEER)
    template_name = "inventory/stocktakes.html"

    def get_queryset(self):
        queryset = StockTake.objects.select_related("location", "started_by")
        if not has_role(self.request.user, STAFF):
            queryset = queryset.filter(status=StockTake.Status.OPEN)  # volunteers only help count
        return queryset

    @property
    def title(self):
        return _("Stock-takes")


@role_required(STAFF)
def stocktake_new(request):
    form = StockTakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stocktake = services.start_stocktake(location=form.cleaned_data["location"], by=request.user,
                                                 note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error("location", error_text(exc))
        else:
            return redirect("inventory:stocktake", pk=stocktake.pk)
    return render(request, "core/form.html", {"form": form, "title": _("Start a stock-take"),
                                              "back_url": "inventory:stocktakes"})


def _count_page(request, stocktake, *, line_form=None):
    context = {"stocktake": stocktake, "title": _("Stock-take %(number)s") % {"number": stocktake.number},
               "is_staff": has_role(request.user, STAFF)}
    counts = stocktake.counts.select_related("item", "counted_by")
    if not context["is_staff"]:
        counts = counts.filter(counted_by=request.user)
    context["counts"] = counts
    context["counters"] = stocktake.counts.values("counted_by__username").annotate(n=Count("id")).order_by()
    if stocktake.is_open:
        context.update(scan_context(request, CountForm, initial={"shelf": request.GET.get("shelf", "")}))
        if line_form is not None:
            context["line_form"] = line_form
        added = request.GET.get("added", "")
        context["added"] = StockTakeCount.objects.filter(pk=int(added), stocktake=stocktake).select_related(
            "item").first() if added.isdigit() else None
    return render(request, "inventory/stocktake.html", context)


@role_required(STAFF, VOLUNTEER)
def stocktake_detail(request, pk):
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    if not stocktake.is_open and not has_role(request.user, STAFF):
        return redirect("inventory:stocktakes")
    return _count_page(request, stocktake)


@require_POST
@role_required(STAFF, VOLUNTEER)
def count_add(request, pk):
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    form = CountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = services.add_count(stocktake, item=data["item"], quantity=data["quantity"], lot=data["lot"],
                                       expiry_date=data["expiry_date"], shelf=data["shelf"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            url = reverse("inventory:stocktake", args=[pk])
            return redirect(with_query(url, added=count.pk, shelf=data["shelf"]) if data["shelf"]
                            else with_query(url, added=count.pk))
    return _count_page(request, stocktake, line_form=form)


@require_POST
@role_required(STAFF, VOLUNTEER)
def count_remove(request, pk, count_pk):
    count = get_object_or_404(StockTakeCount.objects.select_related("stocktake"), pk=count_pk, stocktake_id=pk)
    if not has_role(request.user, STAFF) and count.counted_by_id != request.user.pk:
        messages.error(request, _("You can remove only your own counts."))
    else:
        try:
            services.remove_count(count, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    return redirect("inventory:stocktake", pk=pk)


@role_required(STAFF)
def stocktake_review(request, pk):
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    review = selectors.stocktake_review(stocktake)
    return render(request, "inventory/stocktake_review.html", {
        "stocktake": stocktake, "review": review, "title": _("Review stock-take %(number)s")
        % {"number": stocktake.number},
        "changes": sum(1 for row in review["rows"] if row.difference != 0),
    })


@require_POST
@role_required(STAFF)
def stocktake_post(request, pk):
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    try:
        movements = services.post_stocktake(stocktake, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("inventory:stocktake_review", pk=pk)
    except services.InsufficientStock as exc:  # cannot happen for counts >= 0, but never a 500
        messages.error(request, str(exc))
        return redirect("inventory:stocktake_review", pk=pk)
    messages.success(request, _("The stock-take was posted: %(count)s adjustments.") % {"count": len(movements)})
    return redirect("inventory:stocktake", pk=pk)


@require_POST
@role_required(STAFF)
def stocktake_cancel(request, pk):
    stocktake = get_object_or_404(StockTake, pk=pk)
    try:
        services.cancel_stocktake(stocktake, by=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The stock-take was cancelled; stock did not change."))
    return redirect("inventory:stocktakes")
