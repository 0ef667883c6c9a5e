from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import audit
from core.confirm import ask, is_confirmed
from core.models import AuditLog
from core.refusals import show_refusal
from core.roles import STAFF, role_required
from core.views_base import FilteredTableView

from .. import pdf, services
from ..filters import DonationFilter, DonorFilter
from ..forms import DonationForm, DonationLineForm, DonorForm
from ..models import Donation, DonationLine, Donor, StockMovement
from ..tables import DonationTable, DonorTable
from ..units import with_unit
from .common import safe_next, scan_context, with_query


class DonorListView(FilteredTableView):
    model = Donor
    table_class = DonorTable
    filterset_class = DonorFilter
    roles = (STAFF,)
    template_name = "inventory/donors.html"

    @property
    def title(self):
        return _("Donors")


@role_required(STAFF)
def donor_edit(request, pk=None):
    donor = get_object_or_404(Donor, pk=pk) if pk else Donor()
    if pk and request.method == "GET" and donor.kind == Donor.Kind.PERSON:
        audit(AuditLog.Action.VIEW, donor)  # a private person's contact details
    form = DonorForm(request.POST or None, instance=donor)
    if request.method == "POST" and form.is_valid():
        donor = services.save_donor(form.save(commit=False), by=request.user)
        messages.success(request, _("The donor %(name)s was saved.") % {"name": donor.name})
        target = safe_next(request, "")
        return redirect(with_query(target, donor=donor.pk) if target else reverse("inventory:donors"))
    return render(request, "inventory/donor_form.html", {
        "form": form, "title": _("Edit donor") if pk else _("New donor"), "next": safe_next(request, "")})


class DonationListView(FilteredTableView):
    model = Donation
    table_class = DonationTable
    filterset_class = DonationFilter
    roles = (STAFF,)
    template_name = "inventory/donations.html"

    def get_queryset(self):
        return Donation.objects.select_related("donor", "location").annotate(line_count=Count("lines")).order_by(
            "-date", "-id")

    @property
    def title(self):
        return _("Donations")


@role_required(STAFF)
def donation_new(request):
    initial = {"donor": request.GET.get("donor")} if request.GET.get("donor") else None
    form = DonationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        donation = services.create_donation(donor=data["donor"], location=data["location"], date=data["date"],
                                            notes=data["notes"], by=request.user)
        return redirect("inventory:donation", pk=donation.pk)
    return render(request, "inventory/donation_new.html", {"form": form, "title": _("New donation")})


def _donation_page(request, donation, *, line_form=None, error=""):
    context = {"donation": donation, "title": _("Donation %(number)s") % {"number": donation.number},
               "lines": donation.lines.select_related("item").order_by("-id"), "error": error}
    if donation.is_draft:
        context.update(scan_context(request, DonationLineForm))
        if line_form is not None:
            context["line_form"] = line_form
            context["item"] = getattr(line_form, "cleaned_data", {}).get("item")
        added = request.GET.get("added", "")
        context["added"] = DonationLine.objects.filter(pk=int(added), donation=donation).select_related(
            "item").first() if added.isdigit() else None
        context["attached"] = request.GET.get("attached", "")
    else:
        context["movements"] = StockMovement.objects.filter(
            document_type=services.donations.DOCUMENT_TYPE, document_key=donation.pk).select_related("item")
    return render(request, "inventory/donation.html", context)


@role_required(STAFF)
def donation_detail(request, pk):
    donation = get_object_or_404(Donation.objects.select_related("donor", "location", "received_by"), pk=pk)
    return _donation_page(request, donation)


@require_POST
@role_required(STAFF)
def donation_line_add(request, pk):
    donation = get_object_or_404(Donation, pk=pk)
    form = DonationLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            line = services.add_donation_line(donation, item=data["item"], quantity=data["quantity"], lot=data["lot"],
                                              pack=data.get("pack"), expiry_date=data["expiry_date"], by=request.user)
        except ValidationError as exc:
            show_refusal(request, exc, form=form)
        else:
            return redirect(with_query(reverse("inventory:donation", args=[pk]), added=line.pk))
    return _donation_page(request, donation, line_form=form)


@require_POST
@role_required(STAFF)
def donation_line_remove(request, pk, line_pk):
    line = get_object_or_404(DonationLine.objects.select_related("donation", "item"), pk=line_pk, donation_id=pk)
    try:
        services.remove_donation_line(line, by=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    return redirect("inventory:donation", pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(STAFF)
def donation_receive(request, pk):
    """Receiving asks first (core.confirm): which goods go into stock where; the draft is then final."""
    donation = get_object_or_404(Donation.objects.select_related("donor", "location"), pk=pk)
    back = reverse("inventory:donation", args=[pk])
    if not donation.is_draft:
        messages.error(request, _("This donation was already received."))
        return redirect(back)
    if not is_confirmed(request):
        lines = list(donation.lines.select_related("item"))
        if not lines:
            messages.error(request, _("Add at least one line before receiving the donation."))
            return redirect(back)
        return ask(request, title=_("Receive donation %(number)s into stock?") % {"number": donation.number},
                   back=back, action=_("Receive into stock"), danger=False,
                   warning=ngettext("%(n)s line goes into stock at %(location)s.",
                                    "%(n)s lines go into stock at %(location)s.", len(lines))
                   % {"n": len(lines), "location": donation.location},
                   consequences=[*(f"{line.item.name}: {with_unit(line.quantity, line.item.unit)}"
                                   + (f" · {line.lot}" if line.lot else "")
                                   + (f" · {line.expiry_date:%d/%m/%Y}" if line.expiry_date else "")
                                   for line in lines),
                                 _("Afterwards the donation can no longer be edited or deleted; a mistake is "
                                   "corrected with a reversing movement."),
                                 _("The donor's receipt can then be issued.")])
    try:
        movements = services.receive_donation(donation, by=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The donation was received: %(count)s lines are now in stock.")
                         % {"count": len(movements)})
    return redirect(back)


@require_POST
@role_required(STAFF)
def donation_delete(request, pk):
    donation = get_object_or_404(Donation, pk=pk)
    try:
        services.delete_draft_donation(donation, by=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
        return redirect("inventory:donation", pk=pk)
    messages.success(request, _("The draft donation was deleted."))
    return redirect("inventory:donations")


@role_required(STAFF)
def donation_receipt(request, pk):
    donation = get_object_or_404(Donation.objects.select_related("donor", "location", "received_by"), pk=pk)
    if donation.is_draft:
        messages.error(request, _("A receipt is issued once the donation is received."))
        return redirect("inventory:donation", pk=pk)
    with_value = request.GET.get("value") == "1"
    audit(AuditLog.Action.EXPORT, donation, object_repr=f"receipt {donation.number}" + (" €" if with_value else ""))
    response = HttpResponse(pdf.donation_receipt(donation, with_value=with_value), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{donation.pk}.pdf"'
    return response
