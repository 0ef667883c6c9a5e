"""Swaps on the pages: a volunteer offers a confirmed shift (and may withdraw the offer); a candidate
answers from the link of the message or from "My shifts"; the coordinator stops the search or picks
someone herself."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import ask, is_confirmed, step_form
from core.refusals import show_refusal
from core.roles import private_link, role_required

from ..models import Assignment, SwapAsk, SwapOffer, Volunteer
from ..planning_texts import reason_text, rule_name
from ..services import swaps
from .mine import _me, own_shifts_required


class OfferForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why you cannot come (optional; the coordinator sees it)"),
                             max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def swap_texts(offers):
    """The planner's reasons and rules of each offer in words (the shift's page)."""
    for progress in offers:
        offer = progress.offer
        progress.binding = rule_name(offer.binding) if offer.binding else ""
        progress.blocked = [(rule_name(rule), n) for rule, n in (offer.blocked or {}).items()]
        progress.fixes = [reason_text(f["code"], f.get("params")) for f in offer.fixes or []]
        for row in progress.asks:
            row.texts = [reason_text(r["code"], r.get("params")) for r in row.reasons]
            row.rule_text = rule_name(row.skipped_rule) if row.skipped_rule else ""
    return offers


def _when(shift) -> str:
    local = timezone.localtime(shift.starts_at)
    return _("Date and time: %(date)s, %(start)s–%(end)s") % {
        "date": local.strftime("%d/%m/%Y"), "start": local.strftime("%H:%M"),
        "end": timezone.localtime(shift.ends_at).strftime("%H:%M")}


@require_http_methods(["GET", "POST"])
@own_shifts_required
def my_offer(request, pk):
    """The volunteer offers a confirmed shift: a reason (optional), then the search starts."""
    volunteer = _me(request)
    assignment = get_object_or_404(Assignment.objects.select_related("shift__location"), pk=pk,
                                   volunteer=volunteer) if volunteer else None
    if assignment is None:
        return redirect("volunteers:me")
    form = step_form(OfferForm, request)
    if not is_confirmed(request) or not form.is_valid():
        hours_left = (assignment.shift.starts_at - timezone.now()).total_seconds() / 3600
        return ask(request, title=_("Offer this shift to others?"), back=reverse("volunteers:me"), danger=False,
                   action=_("Find someone to take it"), form=form,
                   warning=_("Shift: %(shift)s") % {"shift": assignment.shift},
                   consequences=[
                       _when(assignment.shift),
                       _("We ask the volunteers who fit best, one at a time, until one takes it."),
                       _("The shift stays yours until someone takes it: if nobody does, you are still expected."),
                       _("It starts in less than a day: the coordinator is told at once.")
                       if hours_left < swaps.alert_hours() else "",
                   ])
    try:
        offer = swaps.offer_shift(assignment, reason=form.cleaned_data["reason"], by=request.user)
        if offer.status == SwapOffer.Status.NOBODY:
            messages.warning(request, _("Nobody can take this shift now: you are still expected. The coordinator "
                                        "was told; if you really cannot come, please call."))
        else:
            messages.success(request, _("We are asking others; we will tell you when someone takes it. Until then "
                                        "you are still expected."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:me")


@require_POST
@own_shifts_required
def my_offer_withdraw(request, pk):
    volunteer = _me(request)
    offer = get_object_or_404(SwapOffer, pk=pk, volunteer=volunteer) if volunteer else None
    if offer is not None:
        try:
            swaps.withdraw(offer, by=request.user)
            messages.success(request, _("Noted: you will come, and nobody else is asked."))
        except ValidationError as error:
            show_refusal(request, error)
    return redirect("volunteers:me")


def _answer(request, ask_row: SwapAsk, answer: str) -> bool:
    """Accept or decline; the outcome as a message on the next page. True when the shift is theirs."""
    try:
        if answer == "accept":
            swaps.accept(ask_row, by=request.user if request.user.is_authenticated else None)
            messages.success(request, _("Thank you! The shift is yours; it is now in your shifts."))
            return True
        swaps.decline(ask_row, by=request.user if request.user.is_authenticated else None)
        messages.success(request, _("Thank you for answering; we will ask someone else."))
    except ValidationError as error:
        show_refusal(request, error)
    return False


@require_POST
@own_shifts_required
def my_swap_answer(request, pk, action):
    volunteer = _me(request)
    row = get_object_or_404(SwapAsk, pk=pk, volunteer=volunteer) if volunteer else None
    if row is not None and action in ("accept", "decline"):
        _answer(request, row, action)
    return redirect("volunteers:me")


@private_link
def swap_answer(request, token):
    """The link of the message: the shift and two buttons (a link alone answers nothing: mail scanners
    open links). Works once: after the answer it says what happened."""
    row = swaps.ask_from_token(token)
    if row is None:
        return render(request, "volunteers/swap_answer.html", {"title": _("Take a shift"), "invalid": True},
                      status=404)
    if request.method == "POST" and request.POST.get("answer") in ("accept", "decline") and row.answered_at is None:
        taken = _answer(request, row, request.POST["answer"])
        row.refresh_from_db()
        row.offer.refresh_from_db()
        status = 200 if taken or row.status == SwapAsk.Status.DECLINED else 409
    else:
        status = 200
    # The site's "same-origin" referrer policy keeps the link's secret from other sites ("no-referrer"
    # would make the browser send "Origin: null" with the answer, which the CSRF check refuses).
    return render(request, "volunteers/swap_answer.html", {
        "title": _("Take a shift"), "ask": row, "offer": row.offer, "shift": row.offer.shift,
        "when": _when(row.offer.shift),
        "open": row.offer.is_open and row.answered_at is None and row.status in (SwapAsk.Status.ASKED,
                                                                                  SwapAsk.Status.EXPIRED),
        "signed_in": request.user.is_authenticated}, status=status)


@require_POST
@role_required("volunteers.manage")
def offer_stop(request, pk):
    offer = get_object_or_404(SwapOffer, pk=pk)
    try:
        swaps.stop(offer, by=request.user)
        messages.success(request, _("The search stopped; the volunteer was told they are still expected."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:shift", offer.shift_id)


@require_POST
@role_required("volunteers.manage")
def offer_pick(request, pk):
    offer = get_object_or_404(SwapOffer, pk=pk)
    chosen = request.POST.get("volunteer", "")
    volunteer = Volunteer.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if volunteer is None:
        messages.error(request, _("Choose the volunteer who takes the shift."))
        return redirect("volunteers:shift", offer.shift_id)
    try:
        swaps.pick(offer, volunteer, by=request.user)
        messages.success(request, _("%(name)s takes the shift; both volunteers were told.")
                         % {"name": volunteer.full_name})
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:shift", offer.shift_id)
