from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView

from core.exports import export_response, exports
from core.once import ALREADY_DONE, AlreadySubmitted, submit_once
from core.params import int_param
from core.refusals import show_refusal
from core.roles import RoleRequiredMixin, role_required
from core.views_base import FilteredTableView

from .. import selectors, services
from ..filters import StockFilter, TransferFilter
from ..forms import ReportForm, TransferForm, TransferLineFormSet, WriteOffForm
from ..models import Item, StockLevel, StockMovement, Transfer
from ..tables import StockTable, TransferTable


class StockListView(FilteredTableView):
    """Stock on hand per item and location, with filters and CSV/XLSX export."""

    table_class = StockTable
    filterset_class = StockFilter
    access = "inventory.view_stock"
    template_name = "inventory/stock.html"
    export_name = "stock"

    def get_queryset(self):
        days = int_param(self.request.GET, "expiring_days", -1, minimum=0, maximum=MAX_DAYS)
        return selectors.stock_on_hand(expiring_within_days=None if days < 0 else days)

    @property
    def title(self):
        return _("Stock on hand")


@role_required("inventory.view_stock")
def write_off(request, pk):
    level = get_object_or_404(StockLevel.objects.select_related("item", "location"), pk=pk)
    initial = {"reason": StockMovement.Reason.EXPIRED if level.expiry_date and
               level.expiry_date < timezone.localdate() else StockMovement.Reason.DAMAGED}
    form = WriteOffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with submit_once(form, purpose="inventory.write_off", by=request.user) as submission:
                services.write_off(level=level, quantity=form.cleaned_data["quantity"],
                                   reason=form.cleaned_data["reason"], reason_text=form.cleaned_data["reason_text"],
                                   by=request.user)
                submission.outcome_url = reverse("inventory:item", args=[level.item_id])
        except AlreadySubmitted as done:
            messages.info(request, ALREADY_DONE)
            return redirect(done.outcome_url or reverse("inventory:item", args=[level.item_id]))
        except services.InsufficientStock as exc:  # a refusal too: caught first, for its own field
            show_refusal(request, exc, form=form, field="quantity")
        except ValidationError as exc:
            show_refusal(request, exc, form=form, field="reason_text")
        else:
            messages.success(request, _("The goods were written off."))
            return redirect("inventory:item", pk=level.item_id)
    return render(request, "inventory/write_off.html", {"form": form, "level": level, "title": _("Write off")})


# How far ahead "expiring within N days" may look (ten years).
MAX_DAYS = 3650

REPORT_COLUMNS = ["received", "transferred_in", "distributed", "transferred_out", "written_off", "counted", "kits",
                  "net", "kg_in", "kg_out", "eur_in", "eur_out"]


def _report_headers():
    return [_("item"), _("unit"), _("received"), _("transferred in"), _("distributed"), _("transferred out"),
            _("written off"), _("stock-take and corrections"), _("kits (made or taken apart)"), _("net change"),
            _("kg in"), _("kg out"), _("€ in"), _("€ out")]


@exports("csv", "xlsx", param="export")
@role_required("inventory.view_stock")
def movement_report(request):
    today = timezone.localdate()
    data = request.GET if "start" in request.GET else {"start": today.replace(day=1), "end": today}
    form = ReportForm(data)
    report = None
    if form.is_valid():
        start, end, location = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["location"]
        report = selectors.movement_report(start, end, location)
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            rows = ([row["item__name_el"], Item.Unit(row["item__unit"]).label, *[row[key] for key in REPORT_COLUMNS]]
                    for row in report["rows"])
            return export_response(_report_headers(), rows, export_format=export, title=_("Movement report"),
                                   filename=f"movements-{start}-{end}.{export}",
                                   audit_repr=f"movement report {start}–{end}.{export}")
    return render(request, "inventory/report.html", {
        "form": form, "report": report, "title": _("Movement report"), "columns": REPORT_COLUMNS,
        "headers": _report_headers(), "query": request.GET.urlencode() or
        f"start={data['start']}&end={data['end']}",
    })


class TransferListView(FilteredTableView):
    model = Transfer
    table_class = TransferTable
    filterset_class = TransferFilter
    access = "inventory.view_stock"
    template_name = "inventory/transfers.html"

    def get_queryset(self):
        return Transfer.objects.select_related("from_location", "to_location", "by")

    @property
    def title(self):
        return _("Transfers")


@role_required("inventory.view_stock")
def transfer_new(request):
    form = TransferForm(request.POST or None, initial={"from_location": request.GET.get("from")})
    lines = TransferLineFormSet(request.POST or None, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        wanted = [(f.cleaned_data["item"], f.cleaned_data["quantity"]) for f in lines
                  if f.cleaned_data.get("item") and f.cleaned_data.get("quantity")]
        try:
            with submit_once(form, purpose="inventory.transfer", by=request.user) as submission:
                transfer = services.transfer_stock(
                    from_location=form.cleaned_data["from_location"], to_location=form.cleaned_data["to_location"],
                    lines=wanted, by=request.user, note=form.cleaned_data["note"])
                submission.outcome_url = reverse("inventory:transfer", args=[transfer.pk])
        except AlreadySubmitted as done:
            messages.info(request, ALREADY_DONE)
            return redirect(done.outcome_url or reverse("inventory:transfers"))
        except ValidationError as exc:  # InsufficientStock included
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("The goods were moved (%(number)s).") % {"number": transfer.number})
            return redirect("inventory:transfer", pk=transfer.pk)
    return render(request, "inventory/transfer_form.html", {"form": form, "lines": lines,
                                                             "title": _("Move stock")})


@role_required("inventory.view_stock")
def transfer_detail(request, pk):
    transfer = get_object_or_404(Transfer.objects.select_related("from_location", "to_location", "by"), pk=pk)
    movements = StockMovement.objects.filter(document_type="inventory.transfer", document_key=pk) \
        .select_related("item", "location").order_by("id")
    return render(request, "inventory/transfer_detail.html", {
        "transfer": transfer, "movements": movements, "title": _("Transfer %(number)s") % {"number": transfer.number}})


class ExpiringView(RoleRequiredMixin, ListView):
    """Lots that expire soon (or already did), soonest first; links to write them off."""

    access = "inventory.view_stock"
    template_name = "inventory/expiring.html"
    paginate_by = 100

    def get_queryset(self):
        self.days = int_param(self.request.GET, "days", selectors.EXPIRY_WARNING_DAYS, minimum=0, maximum=MAX_DAYS)
        return selectors.expiring_soon(days=self.days)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Expiring soon"), days=self.days,
                                        until=timezone.localdate() + timedelta(days=self.days),
                                        today=timezone.localdate())
