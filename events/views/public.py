"""Pages for the public: no sign-in, light enough for a cheap phone on a weak connection."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.codes import qr_svg
from core.net import client_ip
from core.refusals import show_refusal
from core.roles import private_link, public
from core.throttle import allow

from .. import notifications, selectors, services
from ..calendar import event_calendar, events_calendar
from ..filters import PublicEventFilter
from ..forms import RegistrationForm
from ..models import Registration
from ..services import registrations

REGISTRATIONS_PER_HOUR_DEFAULT = 10


def _registrations_per_hour() -> int:
    return getattr(settings, "EVENTS_REGISTRATIONS_PER_HOUR", REGISTRATIONS_PER_HOUR_DEFAULT)


def _over_rate_limit(request) -> bool:
    """At most N registration attempts per hour from one address (shared cache: every app server)."""
    return not allow("events:register", client_ip(request) or "unknown", limit=_registrations_per_hour(),
                     seconds=3600)


@public
def public_list(request):
    events = PublicEventFilter(request.GET or None, queryset=selectors.public_events())
    page = Paginator(events.qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "events/public/list.html", {
        "filter": events, "page": page, "query": query.urlencode(), "title": _("Events and workshops")})


def _event_or_404(pk):
    event = selectors.public_event(pk)
    if event is None:
        raise Http404(_("There is no such event."))
    return event


@public
def public_detail(request, pk, form=None, status=200):
    event = _event_or_404(pk)
    is_open = event.registration_is_open()
    if form is None and is_open:
        form = RegistrationForm(event=event, initial={"places": 1})
    return render(request, "events/public/detail.html", {
        "event": event, "form": form, "registration_open": is_open,
        "opens_at": event.registration_window()[0], "sessions": selectors.other_sessions(event),
        "title": event.title, "now": timezone.now(),
    }, status=status)


@public
@require_POST
def register(request, pk):
    event = _event_or_404(pk)
    form = RegistrationForm(request.POST, event=event)
    if form.is_spam():
        # A bot filled the hidden field: nothing is saved and it learns nothing useful.
        return render(request, "events/public/refused.html", {"event": event, "title": _("Not registered")},
                      status=400)
    if not form.is_valid():
        # Typing mistakes are not counted against the rate limit; only submissions that would register.
        return public_detail(request, pk, form=form, status=400)
    if _over_rate_limit(request):
        return render(request, "events/public/refused.html", {
            "event": event, "title": _("Not registered"), "rate_limited": True}, status=429)
    data = form.cleaned_data
    try:
        registrations.register(event, registrations.RegistrationRequest(
            name=data["name"], phone=data["phone"], email=data["email"], places=data["places"],
            answers=form.answers(), language=translation.get_language() or "el", consent=data["consent"]))
    except registrations.AlreadyRegistered as exc:
        # The same answer as for a new registration: the form tells nobody who is registered. The
        # person who is gets a message with their own link.
        notifications.safely(notifications.send_already_registered, exc.registration)
    except services.EventError as exc:
        show_refusal(request, exc, form=form)
        return public_detail(request, pk, form=form, status=400)
    return render(request, "events/public/received.html", {
        "event": event, "title": _("Thank you"), "by_email": bool(data["email"]), "by_phone": bool(data["phone"])})


@public
def event_ics(request, pk):
    event = _event_or_404(pk)
    response = HttpResponse(event_calendar(event, request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@public
def feed_ics(request):
    calendar = events_calendar(selectors.public_events(), request)
    return HttpResponse(calendar, content_type="text/calendar; charset=utf-8")


def _registration_or_404(token):
    registration = selectors.registration_by_link(token)
    if registration is None:
        raise Http404(_("This link is not valid."))
    return registration


@private_link
def manage(request, token):
    """The private page of one registration: status, ticket, cancel. The link is the only key."""
    registration = _registration_or_404(token)
    ticket_svg = None
    if registration.status == Registration.Status.CONFIRMED:
        ticket_svg = qr_svg(registration.ticket_code)
    response = render(request, "events/public/manage.html", {
        "registration": registration, "event": registration.event, "ticket_svg": ticket_svg,
        "position": selectors.waiting_position(registration), "title": _("Your registration"),
        "can_cancel": registration.is_active and not hasattr(registration, "checkin")
        and registration.event.starts_at > timezone.now(),
    })
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@private_link
def manage_cancel(request, token):
    registration = _registration_or_404(token)
    if request.method == "POST":
        try:
            registrations.cancel_registration(registration)
        except services.EventError as exc:
            show_refusal(request, exc)
        else:
            if registration.status == Registration.Status.WAITING:
                messages.success(request, _("You have left the waiting list."))
            else:
                messages.success(request, _("Your registration was cancelled. Thank you for letting us know."))
        return redirect("events:manage", token=token)
    response = render(request, "events/public/manage_cancel.html", {
        "registration": registration, "event": registration.event, "title": _("Cancel registration")})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
