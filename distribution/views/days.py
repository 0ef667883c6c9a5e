"""Pages for distribution days: planning, slots and notices, the live view, collections and their
corrections, and the documents after the day. Staff and the coordinator only."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import audit
from core.confirm import ask, is_confirmed, step_form
from core.exports import export_response, exports
from core.models import AuditLog
from core.refusals import show_refusal
from core.roles import STAFF, role_required
from inventory.units import with_unit

from ..day_documents import signature_list_pdf
from ..forms import BasketFormSet, CancelCollectionForm, DayForm, SlotsForm
from ..models import Collection, DistributionDay, Scan
from ..need_forms import SubstitutionFormSet
from ..selectors.days import (
    NOT_REFUSED,
    collection_goods,
    day_collections,
    day_report,
    no_shows,
    progress,
    slot_assignments,
    stock_check,
)
from ..selectors.offline import offline_conflicts
from ..services import DistributionError
from ..services import days as services
from ..services.needs import set_substitutions


def _day(pk):
    return get_object_or_404(DistributionDay.objects.select_related("programme", "location"), pk=pk)


@role_required(STAFF)
def day_list(request):
    today = timezone.localdate()
    days = DistributionDay.objects.select_related("programme", "location")
    return render(request, "distribution/day_list.html", {
        "title": _("Distribution days"),
        "upcoming": days.filter(date__gte=today).order_by("date", "starts_at"),
        "past": days.filter(date__lt=today).order_by("-date")[:30],
    })


@role_required(STAFF)
def day_edit(request, pk=None):
    day = _day(pk) if pk else DistributionDay()
    form = DayForm(request.POST or None, instance=day)
    formset = BasketFormSet(request.POST or None, instance=day, prefix="basket")
    # A form sent without the substitutions' lines (an older page, a script) leaves them as they are.
    with_substitutions = request.method == "POST" and "subs-TOTAL_FORMS" in request.POST
    substitutions = SubstitutionFormSet(request.POST if with_substitutions else None, instance=day, prefix="subs")
    if (request.method == "POST" and form.is_valid() and formset.is_valid()
            and (not with_substitutions or substitutions.is_valid())):
        try:
            with transaction.atomic():
                day = services.save_day(form.save(commit=False), by=request.user)
                rules = []
                for rule_form in formset.forms:
                    if not rule_form.cleaned_data or rule_form.cleaned_data.get("DELETE"):
                        continue  # an empty extra row, or a line to remove
                    rule = rule_form.save(commit=False)
                    rule.pk, rule._state.adding = None, True  # set_basket replaces the basket as a whole
                    rules.append(rule)
                services.set_basket(day, rules, by=request.user)
                if with_substitutions:
                    set_substitutions(day, list(_kept(substitutions)), by=request.user)
        except DistributionError as exc:
            show_refusal(request, exc)
        except ValidationError as exc:  # a rule the form could not check alone (e.g. a day saved meanwhile)
            form.add_error(None, exc)
        else:
            messages.success(request, _("The distribution day was saved."))
            return redirect("distribution:day", day.pk)
    return render(request, "distribution/day_form.html", {
        "title": _("Edit distribution day") if pk else _("New distribution day"), "form": form, "formset": formset,
        "substitutions": substitutions, "day": day if pk else None})


def _kept(formset):
    """The formset's lines as new unsaved objects (the service replaces the whole set): not the empty
    extra rows, not those marked for removal."""
    for line_form in formset.forms:
        if line_form.cleaned_data and not line_form.cleaned_data.get("DELETE"):
            line = line_form.save(commit=False)
            line.pk, line._state.adding = None, True
            yield line


@role_required(STAFF)
def day_detail(request, pk):
    day = _day(pk)
    check = stock_check(day)
    zone = timezone.get_current_timezone()
    return render(request, "distribution/day_detail.html", {
        "title": str(day), "day": day, "check": check, "figures": progress(day, with_stock=False),
        "day_start": datetime.combine(day.date, day.starts_at, tzinfo=zone),
        "day_end": datetime.combine(day.date, day.ends_at, tzinfo=zone),
        "rules": day.basket_rules.select_related("item"),
        "substitutions": day.substitutions.select_related("need", "from_item", "item"),
        "slots": day.slots.all(), "slots_form": SlotsForm(),
        "assigned": day.slots.filter(assignments__isnull=False).count() and slot_assignments(day).count(),
        "notified": slot_assignments(day).filter(notified_at__isnull=False).count(),
        "statuses": DistributionDay.Status,
    })


@role_required(STAFF)
@require_POST
def day_status(request, pk):
    """Open a closed or cancelled day again (closing and cancelling ask first: day_close, day_cancel)."""
    day = _day(pk)
    if request.POST.get("status") == DistributionDay.Status.PLANNED and day.status != DistributionDay.Status.PLANNED:
        services.set_status(day, DistributionDay.Status.PLANNED, by=request.user)
        messages.success(request, _("The day is now: %(status)s.") % {"status": day.get_status_display()})
    return redirect("distribution:day", day.pk)


def _end_day(request, pk, status):
    day = _day(pk)
    back = reverse("distribution:day", args=[day.pk])
    if day.status != DistributionDay.Status.PLANNED:
        messages.error(request, _("The day is already %(status)s.") % {"status": day.get_status_display().lower()})
        return redirect(back)
    if not is_confirmed(request):
        figures = progress(day, with_stock=False)
        still = ngettext("%(n)s household is still expected and has not collected.",
                         "%(n)s households are still expected and have not collected.",
                         figures.remaining) % {"n": figures.remaining}
        collected = ngettext("%(n)s household collected so far.", "%(n)s households collected so far.",
                             figures.collected) % {"n": figures.collected}
        if status == DistributionDay.Status.CLOSED:
            return ask(request, title=_("Close the day %(day)s?") % {"day": day}, back=back,
                       warning=still if figures.remaining else "", action=_("Close the day"), danger=False,
                       consequences=[collected, _("Every table stops scanning for this day: cards are refused."),
                                     _("The day report and the list of households that did not come stay "
                                       "available; the day can be opened again.")])
        notified = slot_assignments(day).filter(notified_at__isnull=False).count()
        return ask(request, title=_("Cancel the day %(day)s?") % {"day": day}, back=back,
                   warning=still if figures.remaining else "", action=_("Cancel the day"),
                   consequences=[
                       collected,
                       _("Every table stops scanning for this day: cards are refused."),
                       ngettext("%(n)s household was sent its time to come; nobody is told of the cancellation "
                                "automatically: call or message them.",
                                "%(n)s households were sent their time to come; nobody is told of the "
                                "cancellation automatically: call or message them.", notified) % {"n": notified}
                       if notified else "",
                   ])
    services.set_status(day, status, by=request.user)
    messages.success(request, _("The day is now: %(status)s.") % {"status": day.get_status_display()})
    return redirect(back)


@require_http_methods(["GET", "POST"])
@role_required(STAFF)
def day_close(request, pk):
    """Close the day: asks first and says how many households are still expected."""
    return _end_day(request, pk, DistributionDay.Status.CLOSED)


@require_http_methods(["GET", "POST"])
@role_required(STAFF)
def day_cancel(request, pk):
    """Cancel the day: asks first, says who was already told to come."""
    return _end_day(request, pk, DistributionDay.Status.CANCELLED)


@role_required(STAFF)
@require_POST
def day_slots(request, pk):
    day = _day(pk)
    form = SlotsForm(request.POST)
    if form.is_valid():
        try:
            slots = services.plan_slots(day, minutes=form.cleaned_data["minutes"], by=request.user)
        except DistributionError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("%(n)s time slots planned.") % {"n": len(slots)})
    else:
        messages.error(request, _("Give the length of a time slot in minutes (5 to 480)."))
    return redirect("distribution:day", day.pk)


@role_required(STAFF)
@require_POST
def day_notify(request, pk):
    day = _day(pk)
    result = services.notify_slots(day, by=request.user)
    messages.success(request, _("Notices queued: %(queued)s; they are being sent (see the progress below). Without "
                                "phone or e-mail (see the printable list): %(without_contact)s.") % result)
    return redirect("distribution:day", day.pk)


def _reference(household):
    return next((p for p in household.members.all() if p.is_reference), None)


@role_required(STAFF)
def day_slots_print(request, pk):
    """Printable list of the slots, for households without a phone (to call on or hand a note)."""
    day = _day(pk)
    only_without_phone = request.GET.get("all") != "1"
    rows = []
    for assignment in slot_assignments(day):
        reference = _reference(assignment.household)
        phone = reference.phone if reference else ""
        if only_without_phone and phone:
            continue
        rows.append({"slot": assignment.slot, "reference": reference, "household": assignment.household,
                     "address": assignment.household.address, "phone": phone})
    audit(AuditLog.Action.VIEW, day, changes={"list": "slots", "rows": len(rows)})
    return render(request, "distribution/day_slots_print.html", {
        "title": _("Time slots: %(day)s") % {"day": day}, "day": day, "rows": rows,
        "only_without_phone": only_without_phone})


@role_required(STAFF)
def day_live(request, pk):
    day = _day(pk)
    return render(request, "distribution/day_live.html", {"title": _("Live: %(day)s") % {"day": day}, "day": day,
                                                           "figures": progress(day), "recent": _recent(day),
                                                           "conflicts": offline_conflicts(day)})


def _recent(day):
    return Scan.objects.filter(day=day).select_related("by").order_by("-at")[:12]


@role_required(STAFF)
def day_live_panel(request, pk):
    day = _day(pk)
    return render(request, "distribution/_day_live_panel.html", {"day": day, "figures": progress(day),
                                                                  "recent": _recent(day),
                                                                  "conflicts": offline_conflicts(day)})


@role_required(STAFF)
def day_collections_page(request, pk):
    day = _day(pk)
    collections = day_collections(day, include_cancelled=True)
    refused = Scan.objects.filter(day=day).exclude(outcome__in=NOT_REFUSED).select_related(
        "by", "card").order_by("-at")[:200]
    audit(AuditLog.Action.VIEW, day, changes={"list": "collections"})
    return render(request, "distribution/day_collections.html", {
        "title": _("Collections: %(day)s") % {"day": day}, "day": day, "collections": collections,
        "refused": refused})


@require_http_methods(["GET", "POST"])
@role_required(STAFF)
def collection_cancel(request, pk):
    """Cancelling a collection asks first (core.confirm) and says which goods go back to stock."""
    collection = get_object_or_404(Collection.objects.select_related("day", "household", "card"), pk=pk)
    back = reverse("distribution:day_collections", args=[collection.day_id])
    if collection.is_cancelled:
        messages.error(request, _("This collection was already cancelled."))
        return redirect(back)
    form = step_form(CancelCollectionForm, request)
    if not is_confirmed(request) or not form.is_valid():
        goods = ", ".join(f"{line.item.name}: {with_unit(-line.quantity, line.item.unit)}"
                          for line in collection_goods(collection))
        return ask(request, title=_("Cancel this collection?"), form=form, back=back,
                   warning=_("Collection at %(station)s, %(at)s, card %(card)s.") % {
                       "station": collection.station, "at": timezone.localtime(collection.at).strftime("%H:%M"),
                       "card": collection.card.display_number if collection.card_id else "—"},
                   consequences=[
                       _("Back to stock: %(goods)s.") % {"goods": goods} if goods else "",
                       _("The goods go back to stock with a correcting movement; the collection stays on the "
                         "list, marked cancelled."),
                       _("The household may then collect again on this day."),
                   ], action=_("Cancel the collection"))
    try:
        services.cancel_collection(collection, reason=form.cleaned_data["reason"], by=request.user)
    except DistributionError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The collection was cancelled and its goods returned to stock."))
    return redirect(back)


@role_required(STAFF)
def day_signatures(request, pk):
    day = _day(pk)
    pdf = signature_list_pdf(day, list(day_collections(day)))
    audit(AuditLog.Action.EXPORT, day, changes={"document": "signature list"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="katastasi-paralavis-{day.date:%Y-%m-%d}.pdf"'
    return response


@exports("csv", "xlsx")
@role_required(STAFF)
def day_no_shows(request, pk):
    day = _day(pk)
    rows = []
    for household in no_shows(day):
        reference = _reference(household)
        card = next(iter(household.cards.all()), None)
        rows.append({"household": household, "reference": reference, "phone": reference.phone if reference else "",
                     "card": card, "size": len(household.members.all())})
    export_format = request.GET.get("format")
    if export_format in ("csv", "xlsx"):
        return export_response(
            [_("Card number"), _("Name"), _("Phone"), _("People")],
            ([row["card"].display_number if row["card"] else "", row["reference"].full_name if row["reference"] else "",
              row["phone"], row["size"]] for row in rows),
            export_format=export_format, filename=f"no-shows-{day.date:%Y-%m-%d}.{export_format}",
            title=_("Did not come"), audit_obj=day, audit_changes={"list": "no-shows", "rows": len(rows)})
    audit(AuditLog.Action.VIEW, day, changes={"list": "no-shows", "rows": len(rows)})
    return render(request, "distribution/day_no_shows.html", {
        "title": _("Did not come: %(day)s") % {"day": day}, "day": day, "rows": rows})


@role_required(STAFF)
def day_report_page(request, pk):
    day = _day(pk)
    return render(request, "distribution/day_report.html", {
        "title": _("Day report: %(day)s") % {"day": day}, "day": day, "report": day_report(day),
        "conflicts": offline_conflicts(day)})
