"""Staff pages: events, registrations, messages, attendance figures."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit
from core.models import AuditLog
from core.refusals import show_refusal
from core.roles import role_required
from core.views_base import FilteredTableView

from .. import selectors, services
from ..filters import RegistrationFilter, StaffEventFilter
from ..forms import (
    CancelEventForm,
    DeclineForm,
    EventForm,
    HouseholdLinkForm,
    MessageForm,
    PeriodForm,
    QuestionFormSet,
    SessionsForm,
    StaffRegistrationForm,
    question_initial,
    questions_from,
)
from ..models import Event, Registration
from ..notifications import private_link
from ..services import planning, registrations
from ..tables import EventTable, RegistrationTable


class EventListView(FilteredTableView):
    model = Event
    table_class = EventTable
    filterset_class = StaffEventFilter
    access = "events.manage_events"
    template_name = "events/staff/event_list.html"

    def get_queryset(self):
        return Event.objects.select_related("location").order_by("-starts_at")

    @property
    def title(self):
        return _("Events")


@role_required("events.manage_events")
def event_edit(request, pk=None):
    event = get_object_or_404(Event, pk=pk) if pk else Event()
    if event.status == Event.Status.CANCELLED:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("events:staff_event", pk=event.pk)
    form = EventForm(request.POST or None, instance=event)
    questions = QuestionFormSet(request.POST or None, initial=question_initial(event), prefix="questions")
    if request.method == "POST" and form.is_valid() and questions.is_valid():
        try:
            event = planning.save_event(form.save(commit=False), by=request.user, questions=questions_from(questions))
        except services.EventError as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("The event was saved."))
            return redirect("events:staff_event", pk=event.pk)
    return render(request, "events/staff/event_form.html", {
        "form": form, "questions": questions, "event": event,
        "title": _("Edit event") if pk else _("New event")})


@role_required("events.manage_events")
def event_detail(request, pk):
    event = get_object_or_404(Event.objects.select_related("location", "series"), pk=pk)
    return render(request, "events/staff/event_detail.html", {
        "event": event, "counts": selectors.event_counts(event), "title": event.title,
        "offline_checkins": selectors.offline_checkins(event),
        "sessions": Event.objects.filter(series_id=event.series_id or event.pk).exclude(pk=event.pk)
        | Event.objects.filter(pk=event.series_id),
    })


def _run(request, action, success, *args, **kwargs):
    try:
        action(*args, **kwargs)
    except services.EventError as exc:
        show_refusal(request, exc)
        return False
    messages.success(request, success)
    return True


@require_POST
@role_required("events.manage_events")
def event_publish(request, pk):
    event = get_object_or_404(Event, pk=pk)
    _run(request, planning.publish_event, _("The event is published."), event, by=request.user)
    return redirect("events:staff_event", pk=pk)


@require_POST
@role_required("events.manage_events")
def event_unpublish(request, pk):
    event = get_object_or_404(Event, pk=pk)
    _run(request, planning.unpublish_event, _("The event is a draft again."), event, by=request.user)
    return redirect("events:staff_event", pk=pk)


@role_required("events.manage_events")
def event_cancel(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = CancelEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            told = planning.cancel_event(event, reason=form.cleaned_data["reason"], by=request.user)
        except services.EventError as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The event was cancelled and %(n)s registered people were told.")
                             % {"n": told})
        return redirect("events:staff_event", pk=pk)
    return render(request, "events/staff/confirm_form.html", {
        "form": form, "event": event, "title": _("Cancel the event"), "danger": True,
        "explain": _("Every registration is cancelled and everyone registered or waiting gets a notice."),
        "submit": _("Cancel the event")})


@role_required("events.manage_events")
def event_sessions(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = SessionsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = planning.add_sessions(event, form.cleaned_data["starts"], by=request.user)
        except services.EventError as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("%(n)s sessions were added.") % {"n": len(created)})
            return redirect("events:staff_event", pk=pk)
    return render(request, "events/staff/confirm_form.html", {
        "form": form, "event": event, "title": _("Add sessions"), "submit": _("Add sessions"),
        "explain": _("Repeat this event on other dates. Each session has its own places and registrations.")})


class RegistrationListView(FilteredTableView):
    model = Registration
    table_class = RegistrationTable
    filterset_class = RegistrationFilter
    access = "events.manage_events"
    template_name = "events/staff/registrations.html"
    paginate_by = 100

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event.objects.select_related("location"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.registrations_for(self.event)

    def get_table_kwargs(self):
        return {"event": self.event}

    @property
    def export_name(self):
        return f"registrations-event-{self.event.pk}"

    def get(self, request, *args, **kwargs):
        audit(AuditLog.Action.VIEW, self.event, object_repr=f"{self.event} — {_('registrations')}")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["event"] = self.event
        context["counts"] = selectors.event_counts(self.event)
        return context

    @property
    def title(self):
        return _("Registrations: %(title)s") % {"title": self.event.title}


@role_required("events.manage_events")
def registration_add(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = StaffRegistrationForm(request.POST or None, event=event,
                                 initial={"places": 1, "language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = registrations.register(event, registrations.RegistrationRequest(
                name=data["name"], phone=data["phone"], email=data["email"], places=data["places"],
                answers=form.answers(), language=data["language"], consent=data["consent"],
                source=Registration.Source.STAFF, household_ref=data["household_ref"],
                staff_note=data["staff_note"]), by=request.user)
        except services.EventError as exc:
            show_refusal(request, exc, form=form)
        else:
            messages.success(request, _("Registration saved (%(status)s): %(name)s.") % {
                "name": registration.name, "status": registration.get_status_display()})
            return redirect("events:staff_registration", pk=registration.pk)
    return render(request, "events/staff/registration_form.html", {
        "form": form, "event": event, "title": _("Add a registration")})


@role_required("events.manage_events")
def registration_detail(request, pk):
    return registration_page(request, pk)


def registration_page(request, pk, **forms):
    """The registration page; a form of it that failed comes back bound, with its errors and what was typed."""
    registration = get_object_or_404(Registration.objects.select_related("event", "event__location"), pk=pk)
    audit(AuditLog.Action.VIEW, registration)
    event = registration.event
    answers = [(q.label, q.display(registration.answers.get(str(q.pk), ""))) for q in event.questions.all()]
    return render(request, "events/staff/registration_detail.html", {
        "registration": registration, "event": event, "answers": answers, "title": registration.name,
        "link": private_link(registration), "position": selectors.waiting_position(registration),
        "household_form": HouseholdLinkForm(initial={"household_ref": registration.household_ref}),
        "decline_form": DeclineForm(), "checkin": getattr(registration, "checkin", None),
        **forms,
    })


@require_POST
@role_required("events.manage_events")
def registration_action(request, pk, action):
    registration = get_object_or_404(Registration, pk=pk)
    if action == "approve":
        _run(request, registrations.approve_registration, _("Approved; the ticket was sent."), registration,
             by=request.user)
    elif action == "decline":
        form = DeclineForm(request.POST)
        if not form.is_valid():  # not declined with the reason dropped: the page comes back with it
            return registration_page(request, pk, decline_form=form)
        _run(request, registrations.decline_registration, _("Declined; the person was told."), registration,
             by=request.user, reason=form.cleaned_data["reason"])
    elif action == "cancel":
        _run(request, registrations.cancel_registration, _("The registration was cancelled."), registration,
             by=request.user)
    elif action == "household":
        form = HouseholdLinkForm(request.POST)
        if not form.is_valid():
            return registration_page(request, pk, household_form=form)
        _run(request, registrations.link_household, _("The household link was saved."), registration,
             form.cleaned_data["household_ref"], by=request.user)
    else:
        messages.error(request, _("Unknown action."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("events:staff_registration", pk=pk)


@role_required("events.manage_events")
def event_message(request, pk):
    event = get_object_or_404(Event, pk=pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        count = registrations.message_registrations(event, subject=data["subject"], text=data["text"],
                                                    statuses=data["statuses"], by=request.user)
        messages.success(request, _("The message is queued for %(n)s registrations; it is being sent (see the "
                                    "progress below).") % {"n": count})
        return redirect("events:staff_event", pk=pk)
    return render(request, "events/staff/confirm_form.html", {
        "form": form, "event": event, "title": _("Message everyone registered"), "submit": _("Send"),
        "explain": _("Sent by e-mail and/or SMS, with each person's private link.")})


@role_required("events.manage_events")
def attendance(request):
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"start": today - timedelta(days=90), "end": today})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = today - timedelta(days=90), today
        if not form.is_bound:
            form = PeriodForm(initial={"start": start, "end": end})
    by_event = list(selectors.attendance_by_event(start, end))
    by_category = selectors.attendance_by_category(start, end)
    totals = {key: sum(row[key] for row in by_category)
              for key in ("events", "cancelled", "capacity", "confirmed_places", "attended_places")}
    return render(request, "events/staff/attendance.html", {
        "form": form, "by_event": by_event, "by_category": by_category, "totals": totals, "start": start,
        "end": end, "title": _("Attendance")})
