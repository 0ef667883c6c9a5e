"""The door: check-in by scanning (core's scan station: USB scanner, camera, typed code) or by
ticking the list.

Staff and volunteers. Volunteers see names and places only, never contact details. The scan
station posts to `POST /api/v1/checkins`; without JavaScript a plain form posts here and calls the
same service (`door.check_in_ticket`), so both give the same answers.
"""

import uuid

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.refusals import show_refusal
from core.roles import role_required
from core.views_offline import OFFLINE_FRAME_HEADER, OFFLINE_PAGE_HEADER

from .. import selectors, services
from ..models import Event, Registration
from ..services import door
from .door_offline import door_offline_config


def _door_event(pk):
    return get_object_or_404(Event.objects.select_related("location"), pk=pk,
                             status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])


@role_required("events.check_in")
def today(request):
    now = timezone.now()
    events = [(event, event.starts_at <= now <= event.ends_at, event.ends_at < now)
              for event in selectors.door_events(now)]
    return render(request, "events/door/today.html", {"events": events, "title": _("Check-in at events")})


@role_required("events.check_in")
def checkin(request, pk):
    event = _door_event(pk)
    result = None
    if request.method == "POST":
        try:
            request_id = uuid.UUID(request.POST.get("request_id", ""))
        except ValueError:
            request_id = uuid.uuid4()
        code = request.POST.get("code", "").strip()
        if code:
            result = door.check_in_ticket(event, code, request_id=request_id, by=request.user).body
    # Asked for by the service worker (the frame header), the page is the door's frame only: no registrant's
    # name (the list comes by htmx), no volunteer's name or menu (base.html, offline_page), so the worker may
    # keep it and the door opens again with no network. Opened by a person (with or without JavaScript),
    # it is the whole page with its list, never kept.
    keepable = request.method == "GET" and request.headers.get(OFFLINE_FRAME_HEADER) == "1"
    response = render(request, "events/door/checkin.html", {
        "event": event, "result": result, "request_id": uuid.uuid4(), "offline_page": keepable,
        **({} if keepable else {"counts": selectors.event_counts(event), "door_list": selectors.door_list(event),
                                "offline_checkins": selectors.offline_checkins(event)}),
        "title": _("Check-in: %(title)s") % {"title": event.title},
        # core's scan station posts {"code", "request_id", "event"} to the check-in API
        "scan_endpoint": reverse("api:events_checkins"), "scan_extra": {"event": event.pk},
        "scan_label": _("Scan the ticket or type its code"),
        # The door decides alone when the network drops (the same machinery as a distribution table).
        "scan_offline": door_offline_config(event),
    })
    if keepable:
        response[OFFLINE_PAGE_HEADER] = "1"
    return response


@role_required("events.check_in")
def door_list(request, pk):
    """The list and figures, refreshed every few seconds on the door page (check-ins at other doors)."""
    event = _door_event(pk)
    return render(request, "events/door/_door_list.html", {
        "event": event, "counts": selectors.event_counts(event), "door_list": selectors.door_list(event),
        "offline_checkins": selectors.offline_checkins(event)})


@require_POST
@role_required("events.check_in")
def tick(request, pk, registration_pk):
    event = _door_event(pk)
    registration = get_object_or_404(Registration, pk=registration_pk, event=event)
    checked = request.POST.get("checked") == "1"
    try:
        door.set_checked_in(registration, checked, by=request.user)
    except services.EventError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, (_("Checked in: %(name)s.") if checked else _("Check-in undone: %(name)s."))
                         % {"name": registration.name})
    return redirect(reverse("events:checkin", args=[event.pk]) + f"#reg-{registration.pk}")
