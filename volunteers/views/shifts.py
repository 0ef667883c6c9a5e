"""The coordinator's pages about shifts: the list, new and edit, cancel, a shift's page with its
assignments, hours to approve, messages, the QR code for attendance, and templates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit
from core.codes import qr_svg
from core.models import AuditLog
from core.refusals import show_refusal
from core.roles import role_required
from core.views_base import FilteredTableView

from .. import selectors
from ..filters import ShiftFilter
from ..forms import (
    ApplyTemplateForm,
    CancelForm,
    HoursForm,
    MessageForm,
    ShiftEditForm,
    ShiftForm,
    TemplateForm,
    template_line_formset,
)
from ..models import Assignment, Shift, ShiftTemplate, Volunteer
from ..services import attendance, notices, shifts, signups
from ..tables import ShiftTable
from .swaps import swap_texts


class ShiftListView(FilteredTableView):
    model = Shift
    table_class = ShiftTable
    filterset_class = ShiftFilter
    access = "volunteers.manage"
    template_name = "volunteers/shift_list.html"

    def get_queryset(self):
        qs = Shift.objects.select_related("location").prefetch_related(Prefetch(
            "assignments", to_attr="people", queryset=Assignment.objects.filter(status__in=Assignment.ACTIVE)
            .select_related("volunteer").order_by("volunteer__last_name", "volunteer__first_name")))
        if not self.request.GET.get("since"):
            qs = qs.filter(ends_at__gt=timezone.now())
        return qs

    @property
    def title(self):
        return _("Shifts")


@role_required("volunteers.manage")
def shift_new(request):
    # Other apps' pages (a distribution day, an event) may link here with ?day=YYYY-MM-DD&location=ID.
    initial = {"day": request.GET.get("day"), "location": request.GET.get("location")}
    form = ShiftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        repeat, until, day = data.pop("repeat"), data.pop("until"), data.pop("day")
        try:
            if repeat == "weekly":
                series = shifts.create_series(weekday=day.weekday(), starts_on=day, until=until, by=request.user,
                                              **data)
                messages.success(request, _("%(n)s shifts were created.") % {"n": series.shifts.count()})
                return redirect("volunteers:shifts")
            shift = shifts.create_shift(day=day, by=request.user, **data)
            messages.success(request, _("The shift was created."))
            return redirect("volunteers:shift", shift.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "volunteers/shift_form.html", {"form": form, "title": _("New shift")})


def _shift_initial(shift):
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    return {"location": shift.location_id, "day": start.date(), "start_time": start.time(), "end_time": end.time(),
            "role": shift.role, "min_people": shift.min_people, "max_people": shift.max_people,
            "target_people": shift.target_people, "skills_everyone": list(shift.skills_everyone.all()),
            "signup_mode": shift.signup_mode, "languages_needed": shift.languages_needed,
            "skills_needed": list(shift.skills_needed.all()), "description": shift.description, "scope": "one"}


@role_required("volunteers.manage")
def shift_edit(request, pk):
    shift = get_object_or_404(Shift, pk=pk)
    form = ShiftEditForm(request.POST or None, initial=_shift_initial(shift), series=bool(shift.series_id))
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        scope = data.pop("scope", "one")
        try:
            changed = shifts.update_shift(shift, scope=scope, by=request.user, **data)
            messages.success(request, _("%(n)s shift(s) changed; the people on them were told.") % {"n": len(changed)})
            return redirect("volunteers:shift", shift.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "volunteers/shift_form.html", {"form": form, "title": _("Edit shift"), "shift": shift})


@role_required("volunteers.manage")
def shift_cancel(request, pk):
    shift = get_object_or_404(Shift, pk=pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = shifts.cancel_shift(shift, by=request.user, scope=form.cleaned_data["scope"])
        messages.success(request, _("%(n)s shift(s) cancelled; the people on them were told.") % {"n": len(done)})
        return redirect("volunteers:shifts")
    return render(request, "volunteers/shift_cancel.html", {"form": form, "shift": shift,
                                                            "title": _("Cancel shift")})


@role_required("volunteers.manage")
def shift_detail(request, pk):
    return shift_page(request, pk)


def shift_page(request, pk, **forms):
    """The shift page; a form of it that failed comes back bound, with its errors and what was typed."""
    shift = get_object_or_404(selectors.with_people(Shift.objects.all()), pk=pk)
    audit(AuditLog.Action.VIEW, shift)
    everyone = (shift.assignments.exclude(status=Assignment.Status.CANCELLED)
                .select_related("volunteer").order_by("status", "volunteer__last_name"))
    languages, skills = selectors.missing_needs(shift)
    labels = dict(selectors.Language.choices)
    return render(request, "volunteers/shift.html", {
        "title": str(shift), "shift": shift, "assignments": everyone,
        "missing_languages": [labels[c] for c in languages],
        "missing_skills": skills, "message_form": MessageForm(), "hours_form": HoursForm(),
        "now": timezone.now(), "attendance_open": shift.starts_at - attendance.CHECKIN_OPENS_BEFORE <= timezone.now(),
        "offers": swap_texts(selectors.shift_offers(shift)),
        **forms,
    })


@role_required("volunteers.manage")
def shift_assign(request, pk):
    shift = get_object_or_404(selectors.with_people(Shift.objects.all()), pk=pk)
    if request.method == "POST":
        # One row's button ("volunteer"), or several ticked at once ("volunteers"); each is assigned
        # on its own, so that one refusal (the shift is full, a clash) does not stop the others.
        chosen = [request.POST["volunteer"]] if request.POST.get("volunteer") else request.POST.getlist("volunteers")
        volunteers = list(Volunteer.objects.filter(pk__in=[pk for pk in chosen if pk.isdigit()]))
        if not volunteers:
            messages.error(request, _("Tick the volunteers to assign."))
        for volunteer in volunteers:
            try:
                signups.assign(shift, volunteer, by=request.user)
                messages.success(request, _("%(name)s was assigned and asked to confirm.")
                                 % {"name": volunteer.full_name})
            except ValidationError as error:
                show_refusal(request, error)
        return redirect(request.get_full_path())
    everyone = request.GET.get("everyone") == "1"
    candidates = selectors.candidates(shift, everyone=everyone)
    widened = not everyone and not candidates
    if widened:  # nobody fits exactly: offer everyone free at that time, and say so
        candidates = selectors.candidates(shift, everyone=True)
    languages, skills = selectors.missing_needs(shift)
    labels = dict(selectors.Language.choices)
    return render(request, "volunteers/assign.html", {
        "title": _("Assign volunteers"), "shift": shift, "everyone": everyone or widened, "widened": widened,
        "candidates": candidates,
        "missing_languages": [labels[c] for c in languages], "missing_skills": skills,
    })


@require_POST
@role_required("volunteers.manage")
def assignment_action(request, pk, action):
    assignment = get_object_or_404(Assignment, pk=pk)
    try:
        if action == "approve":
            signups.approve_request(assignment, by=request.user)
        elif action == "decline":
            signups.decline_request(assignment, by=request.user)
        elif action == "remove":
            signups.remove(assignment, by=request.user)
        elif action in ("present", "no_show"):
            attendance.set_attendance(assignment, action, by=request.user)
        elif action == "approve-hours":
            form = HoursForm(request.POST)
            hours = form.cleaned_data["hours"] if form.is_valid() else None
            if request.POST.get("hours") and hours is None:
                raise ValidationError(_("Hours must be between 0 and 24."))
            attendance.approve_hours(assignment, by=request.user, hours=hours)
        messages.success(request, _("Saved."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:shift", assignment.shift_id)


@require_POST
@role_required("volunteers.manage")
def shift_approve_hours(request, pk):
    shift = get_object_or_404(Shift, pk=pk)
    count = attendance.approve_shift_hours(shift, by=request.user)
    messages.success(request, _("Hours approved for %(n)s people.") % {"n": count})
    return redirect("volunteers:shift", pk)


@require_POST
@role_required("volunteers.manage")
def shift_message(request, pk, audience):
    shift = get_object_or_404(selectors.with_people(Shift.objects.all()), pk=pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the message first (at most 600 characters)."))
        return shift_page(request, pk, message_form=form, message_audience=audience)
    if audience == "candidates":
        people = [c.volunteer for c in selectors.candidates(shift)]
    else:
        people = [a.volunteer for a in selectors.active_people(shift)]
    try:
        count = notices.message_people(shift, people, form.cleaned_data["text"], by=request.user, audience=audience)
        messages.success(request, _("The message is queued for %(n)s people; it is being sent (see the progress "
                                    "below).") % {"n": count})
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:shift", pk)


@role_required("volunteers.manage")
def shift_qr(request, pk):
    shift = get_object_or_404(Shift.objects.select_related("location"), pk=pk)
    url = notices.absolute(reverse("volunteers:checkin", args=[shift.checkin_token]))
    return render(request, "volunteers/shift_qr.html", {"shift": shift, "qr": qr_svg(url), "url": url,
                                                        "title": _("Check-in code")})


@role_required("volunteers.manage")
def template_list(request):
    form = ApplyTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = shifts.apply_template(form.cleaned_data["template"], location=form.cleaned_data["location"],
                                         day=form.cleaned_data["day"], by=request.user)
            messages.success(request, _("%(n)s shifts were created.") % {"n": len(made)})
            return redirect(reverse("volunteers:shifts") + f"?since={form.cleaned_data['day']:%Y-%m-%d}")
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "volunteers/templates.html", {
        "title": _("Shift templates"), "form": form,
        "templates": ShiftTemplate.objects.prefetch_related("lines")})


@role_required("volunteers.manage")
def template_edit(request, pk=None):
    template = get_object_or_404(ShiftTemplate, pk=pk) if pk else ShiftTemplate()
    form = TemplateForm(request.POST or None, instance=template)
    lines = template_line_formset()(request.POST or None, instance=template, prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        shifts.save_template(form.save(commit=False), lines, by=request.user)
        messages.success(request, _("The template was saved."))
        return redirect("volunteers:templates")
    return render(request, "volunteers/template_form.html", {
        "title": _("Edit template") if pk else _("New template"), "form": form, "lines": lines})
