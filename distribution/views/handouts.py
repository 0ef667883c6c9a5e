"""Hand-outs outside a distribution day (staff): find the household (or go anonymous), see the station's
answer and the basket, confirm. Thin: the rules are services.handouts."""

from datetime import date

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.audit import audit
from core.confirm import ask, is_confirmed, step_form
from core.models import AuditLog, Location
from core.once import ALREADY_DONE, AlreadySubmitted, submit_once
from core.refusals import show_refusal
from core.roles import role_required
from inventory.services import InsufficientStock

from ..forms import CancelCollectionForm
from ..handout_forms import AnonymousForm, DeskForm, LineFormSet, basket_lines, initial_lines
from ..models import Card, Handout, Household, Programme
from ..selectors import handouts as reads
from ..selectors.days import households_for_station_search
from ..services import DistributionError
from ..services.handouts import cancel_handout, desk_answer, record_delivery, record_handout

RULE = "distribution.hand_out"
LOCATION_KEY = "handout_location"  # the desk's location, remembered for the session


def _location(request, chosen=None, programme=None):
    """The location chosen, else the one this session last recorded at, else where the programme's basket
    is planned, else the first."""
    locations = Location.objects.filter(is_active=True)
    if chosen:
        found = locations.filter(pk=chosen).first() if str(chosen).isdigit() else None
        if found is not None:
            return found
    remembered = request.session.get(LOCATION_KEY)
    found = locations.filter(pk=remembered).first() if remembered else None
    if found is None and programme is not None:
        plan = reads.plan_day(programme, None, timezone.localdate())
        found = plan.location if plan is not None and plan.location.is_active else None
    return found or locations.first()


@never_cache
@role_required(RULE)
def handout_list(request):
    """Find a household (name, card number, a scanned card) or record anonymously; the hand-outs so far."""
    query = (request.GET.get("q") or "").strip()[:100]
    rows = []
    if len(query) >= 2:
        for household in households_for_station_search(query):
            members = list(household.members.all())
            reference = next((p for p in members if p.is_reference), None)
            rows.append({"household": household, "reference": reference, "size": len(members),
                         "card": next(iter(household.cards.all()), None)})
        audit(AuditLog.Action.VIEW, model=Household, changes={"handout_search_results": len(rows)})
    kind = request.GET.get("kind") or ""
    who = request.GET.get("who") or ""
    since, until = _date(request.GET.get("since")), _date(request.GET.get("until"))
    listed = reads.handouts(kind=kind if kind in Handout.Kind.values else None,
                            anonymous={"anonymous": True, "household": False}.get(who), start=since, end=until)[:100]
    return render(request, "distribution/handouts.html", {
        "title": _("Hand-outs outside distribution days"), "query": query, "rows": rows,
        "searched": len(query) >= 2, "handouts": listed, "kinds": Handout.Kind.choices, "kind": kind, "who": who,
        "since": since, "until": until})


def _date(text):
    """A date of the list's filter (YYYY-MM-DD), or None when it is missing or not a date."""
    try:
        return date.fromisoformat((text or "").strip()[:10]) if text else None
    except ValueError:
        return None


@never_cache
@role_required(RULE)
def handout_desk(request, pk):
    """The station's answer for the household, the basket to confirm, and the confirmation."""
    household = get_object_or_404(Household, pk=pk, status=Household.Status.ACTIVE)
    source = request.POST if request.method == "POST" else request.GET
    programme = reads.default_programme(household, source.get("programme"))
    location = _location(request, source.get("location"), programme)
    card = None
    if source.get("card") and str(source.get("card")).isdigit():
        card = Card.objects.filter(pk=source["card"], household=household).first()
    if programme is None or location is None:
        messages.error(request, _("A programme and a location are needed first."))
        return redirect("distribution:handouts")
    answer = desk_answer(household=household, programme=programme, location=location, card=card)
    form = DeskForm(request.POST or None, initial={"programme": programme.pk, "location": location.pk})
    # Initial rows only on the page: a bound formset skips the rows equal to their initial values.
    lines = (LineFormSet(request.POST, prefix="line") if request.method == "POST"
             else LineFormSet(prefix="line", initial=initial_lines(answer.basket)))
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            with submit_once(form, purpose="distribution.handout", by=request.user) as submission:
                handout = record_handout(by=request.user, location=data["location"], kind=data["kind"],
                                         lines=basket_lines(lines), household=household,
                                         programme=data["programme"], card=card,
                                         override_reason=data["override_reason"], delivered_by=data["delivered_by"])
                submission.outcome_url = reverse("distribution:handout", args=[handout.pk])
        except AlreadySubmitted as done:
            messages.info(request, ALREADY_DONE)
            return redirect(done.outcome_url or reverse("distribution:handouts"))
        except (DistributionError, InsufficientStock) as exc:
            show_refusal(request, exc, form=form)
        else:
            request.session[LOCATION_KEY] = data["location"].pk
            messages.success(request, _("Hand-out recorded: %(lines)s.") % {
                "lines": ", ".join(f"{line['name']} × {line['quantity']}" for line in handout.basket)})
            return redirect("distribution:handout", pk=handout.pk)
    else:
        audit(AuditLog.Action.VIEW, household, changes={"handout_desk": True})
    return render(request, "distribution/handout_desk.html", {
        "title": _("Hand-out to household %(id)s") % {"id": household.pk}, "household": household,
        "answer": answer, "form": form, "lines": lines, "programme": programme, "location": location,
        "card": card, "programmes": Programme.objects.filter(is_active=True),
        "locations": Location.objects.filter(is_active=True)})


@never_cache
@role_required(RULE)
def handout_anonymous(request):
    location = _location(request, request.POST.get("location"))
    form = AnonymousForm(request.POST or None, initial={"location": location.pk if location else None})
    lines = LineFormSet(request.POST or None, prefix="line")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            with submit_once(form, purpose="distribution.handout", by=request.user) as submission:
                handout = record_handout(by=request.user, location=data["location"], kind=data["kind"],
                                         lines=basket_lines(lines), programme=data["programme"],
                                         people=data["people"], reason=data["reason"], groups=form.groups,
                                         delivered_by=data["delivered_by"])
                submission.outcome_url = reverse("distribution:handout", args=[handout.pk])
        except AlreadySubmitted as done:
            messages.info(request, ALREADY_DONE)
            return redirect(done.outcome_url or reverse("distribution:handouts"))
        except (DistributionError, InsufficientStock) as exc:
            show_refusal(request, exc, form=form)
        else:
            request.session[LOCATION_KEY] = data["location"].pk
            messages.success(request, _("Anonymous hand-out recorded."))
            return redirect("distribution:handout", pk=handout.pk)
    return render(request, "distribution/handout_anonymous.html", {
        "title": _("Anonymous hand-out"), "form": form, "lines": lines})


@never_cache
@role_required(RULE)
def handout_detail(request, pk):
    handout = get_object_or_404(Handout.objects.select_related("location", "programme", "by", "delivered_by",
                                                               "household"), pk=pk)
    if request.method == "POST" and handout.kind == Handout.Kind.HOME_DELIVERY and not handout.delivered_at \
            and not handout.is_cancelled:
        delivered_by = handout.delivered_by or request.user
        try:
            record_delivery(handout, by=request.user, delivered_by=delivered_by)
        except DistributionError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Delivery recorded."))
        return redirect("distribution:handout", pk=pk)
    if handout.household_id:
        audit(AuditLog.Action.VIEW, handout)
    return render(request, "distribution/handout_detail.html", {
        "title": str(handout), "handout": handout,
        "desk_url": (f"{reverse('distribution:handout_desk', args=[handout.household_id])}?"
                     f"{urlencode({'programme': handout.programme_id, 'location': handout.location_id})}"
                     if handout.household_id else "")})


@role_required(RULE)
def handout_cancel(request, pk):
    """Cancelling a hand-out asks first (core.confirm) and says which goods go back to stock."""
    handout = get_object_or_404(Handout, pk=pk)
    back = reverse("distribution:handout", args=[pk])
    if handout.is_cancelled:
        messages.error(request, _("This hand-out was already cancelled."))
        return redirect(back)
    form = step_form(CancelCollectionForm, request)
    if not is_confirmed(request) or not form.is_valid():
        goods = ", ".join(f"{line['name']} × {line['quantity']}" for line in handout.basket)
        return ask(request, title=_("Cancel this hand-out?"), form=form, back=back,
                   consequences=[_("Back to stock: %(goods)s.") % {"goods": goods},
                                 _("The hand-out stays on the list, marked cancelled, and counts nowhere.")],
                   action=_("Cancel the hand-out"))
    try:
        cancel_handout(handout, reason=form.cleaned_data["reason"], by=request.user)
    except DistributionError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The hand-out was cancelled and its goods returned to stock."))
    return redirect(back)
