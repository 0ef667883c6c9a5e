from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import ask, is_confirmed, step_form
from core.roles import role_required
from core.views_base import FilteredTableView

from ..filters import CardFilter
from ..forms import HandOverForm, RevokeForm
from ..models import Card, Household
from ..selectors import cards_to_print
from ..services import cards as services
from ..tables import CardTable
from .households import household_page


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"  # the PDF holds live tokens: never cache it
    return response


class CardListView(FilteredTableView):
    model = Card
    table_class = CardTable
    filterset_class = CardFilter
    access = "distribution.manage_cards"
    template_name = "distribution/card_list.html"
    export_name = "cards"

    def get_queryset(self):
        return Card.objects.all()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["to_print"] = cards_to_print().count()
        return context

    @property
    def title(self):
        return _("Cards")


@require_POST
@role_required("distribution.manage_cards")
def card_request(request, pk):
    household = get_object_or_404(Household, pk=pk)
    try:
        card = services.request_card(household, by=request.user)
    except services.CardError as exc:
        messages.error(request, str(exc))
        return redirect("distribution:household", pk=pk)
    if request.POST.get("print_now"):
        return pdf_response(services.print_cards([card], by=request.user), f"card-{card.number}.pdf")
    messages.success(request, _("A new card was requested; print it from here or with all new cards."))
    return redirect("distribution:household", pk=pk)


@require_POST
@role_required("distribution.manage_cards")
def card_print(request, card_pk):
    card = get_object_or_404(Card, pk=card_pk)
    try:
        pdf = services.print_cards([card], by=request.user)
    except services.CardError as exc:
        messages.error(request, str(exc))
        return redirect("distribution:household", pk=card.household_id)
    return pdf_response(pdf, f"card-{card.number}.pdf")


@role_required("distribution.manage_cards")
def cards_print_new(request):
    """Print every requested card at once (GET shows how many; POST returns the PDF)."""
    cards = list(cards_to_print())
    chosen = {int(pk) for pk in request.POST.getlist("card") if pk.isdigit()}
    if chosen:  # a selection ticked on the cards list
        cards = [c for c in cards if c.pk in chosen]
    if request.method == "POST" and cards:
        pdf = services.print_cards(cards, by=request.user)
        return pdf_response(pdf, f"cards-{timezone.localdate():%Y-%m-%d}.pdf")
    return render(request, "distribution/cards_print.html", {"title": _("Print new cards"), "count": len(cards)})


@require_POST
@role_required("distribution.manage_cards")
def card_hand_over(request, card_pk):
    card = get_object_or_404(Card, pk=card_pk)
    form = HandOverForm(request.POST)
    if form.is_valid():
        try:
            services.hand_over(card, to=form.cleaned_data["to"], by=request.user)
        except services.CardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The card was recorded as handed over."))
            return redirect("distribution:household", pk=card.household_id)
    return household_page(request, card.household_id, hand_over_form=form)


@require_http_methods(["GET", "POST"])
@role_required("distribution.manage_cards")
def card_revoke(request, card_pk):
    """Revoking asks first (core.confirm): the card is refused at every table from then on, for good."""
    card = get_object_or_404(Card.objects.select_related("household"), pk=card_pk)
    back = reverse("distribution:household", args=[card.household_id])
    if not card.is_active:
        messages.error(request, _("This card is not valid any more; there is nothing to revoke."))
        return redirect(back)
    form = step_form(RevokeForm, request)
    reissue = bool(request.POST.get("reissue") or request.GET.get("reissue"))
    if not is_confirmed(request) or not form.is_valid():
        reference = card.household.reference_person
        return ask(request, title=_("Revoke card %(number)s?") % {"number": card.display_number},
                   warning=_("A revoked card cannot be made valid again."),
                   consequences=[
                       _("Reference person: %(name)s") % {"name": reference.full_name} if reference else "",
                       _("The card will be refused at every table from now on, also at stations already open."),
                       _("A new card will be requested at once; print it and hand it over.") if reissue
                       else _("The household will have no valid card until a new one is requested."),
                   ],
                   action=_("Revoke and reissue") if reissue else _("Revoke the card"), back=back, form=form,
                   carry={"reissue": "1" if reissue else ""})
    try:
        if reissue:
            new = services.reissue_card(card, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("The card was revoked and a new card %(number)s was requested.")
                             % {"number": new.display_number})
        else:
            services.revoke_card(card, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("The card was revoked: it will be refused at every table."))
    except services.CardError as exc:
        messages.error(request, str(exc))
    return redirect(back)
