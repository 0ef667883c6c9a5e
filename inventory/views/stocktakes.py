from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import ask, is_confirmed
from core.refusals import show_refusal
from core.roles import STAFF, has_role, role_required
from core.views_base import FilteredTableView

from .. import selectors, services
from ..filters import StockTakeFilter
from ..forms import CountForm, StockTakeForm
from ..models import StockTake, StockTakeCount
from ..tables import StockTakeTable
from ..units import with_unit
from .common import scan_context, with_query


class StockTakeListView(FilteredTableView):
    model = StockTake
    table_class = StockTakeTable
    filterset_class = StockTakeFilter
    access = "inventory.count_stock"
    template_name = "inventory/stocktakes.html"

    def get_queryset(self):
        queryset = StockTake.objects.select_related("location", "started_by")
        if not has_role(self.request.user, STAFF):
            queryset = queryset.filter(status=StockTake.Status.OPEN)  # volunteers only help count
        return queryset

    @property
    def title(self):
        return _("Stock-takes")


@role_required("inventory.manage_stocktakes")
def stocktake_new(request):
    form = StockTakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stocktake = services.start_stocktake(location=form.cleaned_data["location"], by=request.user,
                                                 note=form.cleaned_data["note"])
        except ValidationError as exc:
            show_refusal(request, exc, form=form, field="location")
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
            context["item"] = getattr(line_form, "cleaned_data", {}).get("item")
        added = request.GET.get("added", "")
        context["added"] = StockTakeCount.objects.filter(pk=int(added), stocktake=stocktake).select_related(
            "item").first() if added.isdigit() else None
    return render(request, "inventory/stocktake.html", context)


@role_required("inventory.count_stock")
def stocktake_detail(request, pk):
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    if not stocktake.is_open and not has_role(request.user, STAFF):
        return redirect("inventory:stocktakes")
    return _count_page(request, stocktake)


@require_POST
@role_required("inventory.count_stock")
def count_add(request, pk):
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    form = CountForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = services.add_count(stocktake, item=data["item"], quantity=data["quantity"], lot=data["lot"],
                                       pack=data.get("pack"), expiry_date=data["expiry_date"], shelf=data["shelf"],
                                       by=request.user)
        except ValidationError as exc:
            show_refusal(request, exc, form=form)
        else:
            url = reverse("inventory:stocktake", args=[pk])
            return redirect(with_query(url, added=count.pk, shelf=data["shelf"]) if data["shelf"]
                            else with_query(url, added=count.pk))
    return _count_page(request, stocktake, line_form=form)


@require_POST
@role_required("inventory.count_stock")
def count_remove(request, pk, count_pk):
    count = get_object_or_404(StockTakeCount.objects.select_related("stocktake"), pk=count_pk, stocktake_id=pk)
    if not has_role(request.user, STAFF) and count.counted_by_id != request.user.pk:
        messages.error(request, _("You can remove only your own counts."))
    else:
        try:
            services.remove_count(count, by=request.user)
        except ValidationError as exc:
            show_refusal(request, exc)
    return redirect("inventory:stocktake", pk=pk)


@role_required("inventory.manage_stocktakes")
def stocktake_review(request, pk):
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    review = selectors.stocktake_review(stocktake)
    return render(request, "inventory/stocktake_review.html", {
        "stocktake": stocktake, "review": review, "title": _("Review stock-take %(number)s")
        % {"number": stocktake.number},
        "changes": sum(1 for row in review["rows"] if row.difference != 0),
    })


@require_http_methods(["GET", "POST"])
@role_required("inventory.manage_stocktakes")
def stocktake_post(request, pk):
    """Posting asks first (core.confirm): how many items change, and by how much."""
    stocktake = get_object_or_404(StockTake.objects.select_related("location"), pk=pk)
    back = reverse("inventory:stocktake_review", args=[pk])
    if not stocktake.is_open:
        messages.error(request, _("This stock-take is not open any more."))
        return redirect("inventory:stocktake", pk=pk)
    if not is_confirmed(request):
        review = selectors.stocktake_review(stocktake)
        changed = [row for row in review["rows"] if row.difference != 0]
        lines = [_("%(item)s: %(recorded)s → %(counted)s") % {
            "item": row.item.name, "recorded": with_unit(row.expected, row.item.unit),
            "counted": with_unit(row.counted, row.item.unit)} for row in changed]
        return ask(request, title=_("Post stock-take %(number)s?") % {"number": stocktake.number}, back=back,
                   warning=ngettext("Stock at %(location)s will be set to the count for %(n)s item.",
                                    "Stock at %(location)s will be set to the count for %(n)s items.",
                                    len(changed)) % {"location": stocktake.location, "n": len(changed)},
                   consequences=[*lines,
                                 ngettext("%(n)s item in stock was not counted and stays as it is.",
                                          "%(n)s items in stock were not counted and stay as they are.",
                                          len(review["uncounted"])) % {"n": len(review["uncounted"])}
                                 if review["uncounted"] else "",
                                 _("A posted stock-take cannot be changed; a later count corrects it.")],
                   action=_("Post the stock-take"))
    try:
        movements = services.post_stocktake(stocktake, by=request.user)
    except ValidationError as exc:  # also InsufficientStock, which cannot happen for counts >= 0
        show_refusal(request, exc)
        return redirect(back)
    messages.success(request, _("The stock-take was posted: %(count)s adjustments.") % {"count": len(movements)})
    return redirect("inventory:stocktake", pk=pk)


@require_POST
@role_required("inventory.manage_stocktakes")
def stocktake_cancel(request, pk):
    stocktake = get_object_or_404(StockTake, pk=pk)
    try:
        services.cancel_stocktake(stocktake, by=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The stock-take was cancelled; stock did not change."))
    return redirect("inventory:stocktakes")
