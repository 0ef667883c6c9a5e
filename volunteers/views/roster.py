"""The coordinator's pages about people: the board, how she is told, the roster, a volunteer's page and
edit, location feeds, and hours."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit
from core.models import AuditLog, Location
from core.refusals import show_refusal
from core.roles import role_required
from core.services import save_notification_choice
from core.views_base import FilteredTableView

from .. import selectors
from ..filters import HoursFilter, VolunteerFilter
from ..forms import (
    AbsenceFormSet,
    AvailabilityFormSet,
    CertificateFormSet,
    LanguageFormSet,
    NotificationForm,
    VolunteerForm,
)
from ..models import Assignment, Volunteer
from ..services import calendars, roster, signin
from ..tables import HoursTable, VolunteerTable
from .documents import location_feed_url


@role_required("volunteers.manage")
def board(request):
    rows = selectors.board(days=14)
    return render(request, "volunteers/board.html", {
        "title": _("Volunteer board"), "rows": rows,
        "short": sum(1 for r in rows if r.state == "bad"),
        "expiring": selectors.expiring_certificates(within_days=30),
        "applicants": Volunteer.objects.filter(status=Volunteer.Status.APPLICANT).count(),
        "feeds": [(loc, location_feed_url(loc)) for loc in Location.objects.filter(is_active=True)],
        "today": timezone.localdate(), "notify_label": request.user.get_notify_by_display(),
        "daily_digest": request.user.daily_digest,
    })


@role_required("volunteers.manage")
def notifications(request):
    """How this coordinator is told of what needs her (each coordinator chooses her own)."""
    user = request.user
    form = NotificationForm(request.POST or None, initial={
        "notify_by": user.notify_by, "daily_digest": user.daily_digest, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        try:
            save_notification_choice(user, by=user, **form.cleaned_data)
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                for text in texts:
                    form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, _("Saved: this is how you will be told."))
            return redirect("volunteers:board")
    return render(request, "volunteers/notifications.html", {"title": _("How I am told"), "form": form})


class VolunteerListView(FilteredTableView):
    model = Volunteer
    table_class = VolunteerTable
    filterset_class = VolunteerFilter
    access = "volunteers.manage"
    template_name = "volunteers/roster.html"

    def get_queryset(self):
        return Volunteer.objects.prefetch_related("languages")

    @property
    def title(self):
        return _("Volunteers")


@role_required("volunteers.manage")
def volunteer_detail(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.select_related("user"), pk=pk)
    audit(AuditLog.Action.VIEW, volunteer)
    return render(request, "volunteers/volunteer.html", {
        "title": volunteer.full_name, "volunteer": volunteer,
        "upcoming": selectors.my_assignments(volunteer),
        "past": selectors.my_assignments(volunteer, upcoming=False)[:30],
        "hours": selectors.hours_total(volunteer), "today": timezone.localdate(),
    })


@role_required("volunteers.manage")
def volunteer_edit(request, pk=None):
    volunteer = get_object_or_404(Volunteer, pk=pk) if pk else Volunteer(status=Volunteer.Status.ACTIVE)
    form = VolunteerForm(request.POST or None, instance=volunteer)
    formsets = [cls(request.POST or None, instance=volunteer, prefix=prefix) for cls, prefix in
                ((LanguageFormSet, "languages"), (CertificateFormSet, "certificates"),
                 (AvailabilityFormSet, "availability"), (AbsenceFormSet, "absences"))]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets):
        volunteer = roster.save_volunteer(form.save(commit=False), formsets, by=request.user)
        roster.save_preferences(volunteer, **form.save_m2m_later(), by=request.user)
        messages.success(request, _("The volunteer's details were saved."))
        return redirect("volunteers:volunteer", volunteer.pk)
    return render(request, "volunteers/volunteer_form.html", {
        "title": _("Edit volunteer") if pk else _("New volunteer"), "form": form, "formsets": formsets,
        "volunteer": volunteer if pk else None,
    })


@require_POST
@role_required("volunteers.manage")
def volunteer_action(request, pk, action):
    volunteer = get_object_or_404(Volunteer, pk=pk)
    try:
        if action == "approve":
            roster.approve_application(volunteer, by=request.user)
            messages.success(request, _("Approved: the volunteer has an account and received a sign-in link."))
        elif action == "send-link":
            if signin.send_signin_link(volunteer):
                messages.success(request, _("A sign-in link was sent."))
            else:
                messages.error(request, _("No link was sent: the volunteer needs an account, active status and "
                                          "an e-mail or phone."))
        elif action == "anonymise":
            if request.POST.get("confirm") != "yes":
                raise ValidationError(_("Tick the box to confirm that the person asked for it."))
            roster.anonymise(volunteer, by=request.user)
            messages.success(request, _("The volunteer's personal details were removed; the hours remain."))
    except ValidationError as error:
        show_refusal(request, error)
    return redirect("volunteers:volunteer", pk)


@require_POST
@role_required("volunteers.manage")
def location_feed_new(request, pk):
    calendars.rotate_location_calendar(get_object_or_404(Location, pk=pk), by=request.user)
    messages.success(request, _("The location's calendar has a new address; the old one no longer works."))
    return redirect("volunteers:board")




class HoursView(FilteredTableView):
    model = Volunteer
    table_class = HoursTable
    filterset_class = HoursFilter
    access = "volunteers.manage"
    template_name = "volunteers/hours.html"
    export_name = "volunteer-hours"

    def get_queryset(self):
        period = HoursFilter(self.request.GET, queryset=Volunteer.objects.none())
        since = until = None
        if period.is_valid():
            since, until = period.form.cleaned_data.get("since"), period.form.cleaned_data.get("until")
        return selectors.approved_hours(since=since, until=until).order_by("last_name", "first_name")

    @property
    def title(self):
        return _("Hours served")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = (Assignment.objects.filter(attendance=Assignment.Attendance.PRESENT,
                                                        hours_approved_at__isnull=True)
                              .select_related("volunteer", "shift__location").order_by("starts_at")[:100])
        return context
