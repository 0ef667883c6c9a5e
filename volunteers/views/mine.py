"""A volunteer's own pages: my shifts, shifts I may take, confirm or decline, my hours, check-in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.confirm import ask, is_confirmed
from core.refusals import show_refusal
from core.roles import private_link, role_required

from .. import selectors
from ..forms import MyDetailsForm
from ..models import Assignment, Shift
from ..services import attendance, calendars, contacts, notices, roster, signups

# Volunteers and the coordinator (rule volunteers.own_shifts, the same as GET /api/v1/shifts).
# Volunteers usually have no password: send a signed-out visitor to the "e-mail me a link" page
# (which also offers the password sign-in), not straight to the password form.
own_shifts_required = role_required("volunteers.own_shifts", login_url=reverse_lazy("volunteers:signin_request"))


def _me(request):
    return selectors.volunteer_of(request.user)


@own_shifts_required
def me(request):
    volunteer = _me(request)
    if volunteer is None:
        return render(request, "volunteers/me_missing.html", {"title": _("My shifts")})
    upcoming = list(selectors.my_assignments(volunteer))
    offers = selectors.my_open_offers(volunteer)
    for assignment in upcoming:
        assignment.open_offer = offers.get(assignment.pk)
    return render(request, "volunteers/me.html", {
        "title": _("My shifts"), "volunteer": volunteer,
        "upcoming": upcoming, "swap_asks": selectors.my_swap_asks(volunteer),
        "open_shifts": selectors.open_shifts_for(volunteer),
        "past": selectors.my_assignments(volunteer, upcoming=False)[:20],
        "hours": selectors.hours_total(volunteer),
        "feed_url": notices.absolute(reverse("volunteers:volunteer_feed", args=[volunteer.calendar_token])),
    })


@own_shifts_required
def my_details(request):
    """The volunteer changes their own contact details, language and availability notes."""
    volunteer = _me(request)
    if volunteer is None:
        return render(request, "volunteers/me_missing.html", {"title": _("My details")})
    form = MyDetailsForm(request.POST or None, instance=volunteer)
    if request.method == "POST" and form.is_valid():
        waiting = roster.save_own_details(form.save(commit=False), by=request.user)
        messages.success(request, _("Your details were saved."))
        if waiting:
            messages.info(request, _("We sent a confirmation link to your new e-mail address or phone number. "
                                     "The change takes effect once you open it (within 24 hours); until then "
                                     "messages go to the old one, which we also told about the change."))
        return redirect("volunteers:me")
    return render(request, "volunteers/my_details.html", {"title": _("My details"), "form": form})


@private_link
def confirm_contact(request, token):
    """The link sent to a new e-mail address or phone number. GET shows a button; the POST confirms
    (mail scanners that open links do not confirm anything)."""
    if request.method == "POST":
        try:
            change = contacts.confirm_change(token)
        except ValidationError as error:
            return render(request, "volunteers/confirm_contact.html",
                          {"title": _("Confirm your new details"), "error": error.messages[0]}, status=400)
        return render(request, "volunteers/confirm_contact.html",
                      {"title": _("Confirm your new details"), "done": True, "change": change})
    # The site's "same-origin" referrer policy keeps the link's secret from other sites ("no-referrer"
    # made the browser post "Origin: null", which the CSRF check refuses).
    return render(request, "volunteers/confirm_contact.html", {"title": _("Confirm your new details")})


def _ask_to_leave(request, shift, *, action):
    """The confirmation step (core.confirm) before a volunteer gives a place back."""
    local = timezone.localtime(shift.starts_at)
    hours_left = (shift.starts_at - timezone.now()).total_seconds() / 3600
    return ask(request, title=_("Leave this shift?"), back=reverse("volunteers:me"), action=action,
               warning=_("Shift: %(shift)s") % {"shift": shift},
               consequences=[
                   _("Date and time: %(date)s, %(start)s–%(end)s") % {
                       "date": local.strftime("%d/%m/%Y"), "start": local.strftime("%H:%M"),
                       "end": timezone.localtime(shift.ends_at).strftime("%H:%M")},
                   _("The place becomes free for someone else, and the coordinator is told."),
                   _("It starts in less than a day: please also call the coordinator.") if hours_left < 24 else "",
               ])


@require_POST
@own_shifts_required
def my_calendar_new(request):
    volunteer = _me(request)
    if volunteer is not None:
        calendars.rotate_volunteer_calendar(volunteer, by=request.user)
        messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("volunteers:me")


@require_http_methods(["GET", "POST"])
@own_shifts_required
def shift_action(request, pk, action):
    volunteer = _me(request)
    if volunteer is None:
        return redirect("volunteers:me")
    shift = get_object_or_404(Shift.objects.select_related("location"), pk=pk)
    if action == "leave" and not is_confirmed(request):
        return _ask_to_leave(request, shift, action=_("Leave this shift"))
    if action == "take" and request.method != "POST":
        # The "I'll take it" link of a message opens this page: one button takes the shift (a link
        # alone never books anything: mail scanners open links).
        local = timezone.localtime(shift.starts_at)
        return ask(request, title=_("Take this shift?"), back=reverse("volunteers:me"), danger=False,
                   action=_("I'll take it"), warning=_("Shift: %(shift)s") % {"shift": shift},
                   consequences=[
                       _("Date and time: %(date)s, %(start)s–%(end)s") % {
                           "date": local.strftime("%d/%m/%Y"), "start": local.strftime("%H:%M"),
                           "end": timezone.localtime(shift.ends_at).strftime("%H:%M")},
                       _("Place: %(place)s") % {"place": ", ".join(
                           p for p in (shift.location.name, shift.location.address) if p)},
                       _("Free places: %(n)s") % {"n": shift.free_places},
                   ])
    if request.method != "POST":
        return redirect("volunteers:me")
    try:
        if action == "take":
            assignment = signups.take_shift(volunteer, shift, by=request.user)
            if assignment.status == Assignment.Status.REQUESTED:
                messages.success(request, _("Your request was sent; the coordinator will confirm it."))
            else:
                messages.success(request, _("You took the shift. Thank you!"))
        elif action == "leave":
            signups.leave_shift(volunteer, shift, by=request.user)
            messages.success(request, _("You left the shift; the place is free for someone else."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:me")


@require_http_methods(["GET", "POST"])
@own_shifts_required
def assignment_answer(request, pk, action):
    volunteer = _me(request)
    assignment = get_object_or_404(Assignment.objects.select_related("shift__location"), pk=pk,
                                   volunteer=volunteer) if volunteer else None
    if assignment is None:
        return redirect("volunteers:me")
    # "I cannot come" on a shift already confirmed is leaving it: ask first, as for leaving.
    if (action == "decline" and assignment.status == Assignment.Status.CONFIRMED
            and not is_confirmed(request)):
        return _ask_to_leave(request, assignment.shift, action=_("I cannot come"))
    if request.method != "POST":
        return redirect("volunteers:me")
    try:
        if action == "confirm":
            signups.confirm(assignment, by=request.user)
            messages.success(request, _("Thank you, the shift is confirmed."))
        else:
            signups.decline(assignment, by=request.user)
            messages.success(request, _("Noted: you will not come to this shift."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:me")


@private_link
def checkin(request, token):
    """The QR at the site opens this page; the volunteer presses the button to check in (after
    signing in, when the phone is not signed in yet)."""
    shift = get_object_or_404(Shift.objects.select_related("location"), checkin_token=token)
    volunteer = _me(request)
    if request.method == "POST" and volunteer is not None:  # anonymous visitors only see the sign-in links
        try:
            attendance.check_in(token, volunteer)
            messages.success(request, _("You are checked in. Have a good shift!"))
            return redirect("volunteers:me")
        except ValidationError as error:
            show_refusal(request, error)
    return render(request, "volunteers/checkin.html", {"title": _("Check in"), "shift": shift,
                                                       "volunteer": volunteer})
