"""iCal feeds (a volunteer's shifts at a secret URL; a location's shifts) and the PDF certificate."""

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from core.audit import audit
from core.models import AuditLog
from core.roles import private_link, role_required

from .. import selectors
from ..calendar import shifts_calendar
from ..certificate import certificate_pdf
from ..forms import PeriodForm
from ..models import Assignment, LocationFeed, Shift, Volunteer
from ..services import calendars
from ..services.notices import absolute


def location_feed_url(location) -> str:
    return absolute(reverse("volunteers:location_feed", args=[calendars.location_feed(location).token]))


def _ics(calendar) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"  # names and shifts: not kept by shared caches
    return response


@private_link
def volunteer_feed(request, token):
    volunteer = Volunteer.objects.filter(calendar_token=token, anonymised_at__isnull=True,
                                         status__in=[Volunteer.Status.ACTIVE, Volunteer.Status.PAUSED]).first()
    if volunteer is None:
        raise Http404
    since = timezone.now() - timedelta(days=60)
    assignments = (Assignment.objects.filter(volunteer=volunteer, status__in=Assignment.ACTIVE,
                                             shift__cancelled_at__isnull=True, ends_at__gt=since)
                   .select_related("shift__location"))
    return _ics(shifts_calendar([a.shift for a in assignments], name=volunteer.full_name,
                                statuses={a.shift_id: a.status for a in assignments}))


@private_link
def location_feed(request, token):
    feed = get_object_or_404(LocationFeed.objects.select_related("location"), token=token)
    location = feed.location
    since = timezone.now() - timedelta(days=30)
    shifts = selectors.with_people(Shift.objects.filter(location=location, ends_at__gt=since,
                                                        cancelled_at__isnull=True))
    return _ics(shifts_calendar(shifts, name=location.name, with_people=True))


@role_required("volunteers.manage")
def certificate(request, pk):
    volunteer = get_object_or_404(Volunteer, pk=pk)
    period = PeriodForm(request.GET)
    since = until = None
    if period.is_valid():
        since, until = period.cleaned_data["since"], period.cleaned_data["until"]
    audit(AuditLog.Action.EXPORT, volunteer, changes={"document": "certificate"})
    pdf = certificate_pdf(volunteer, since=since, until=until)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="volunteer-certificate-{volunteer.pk}.pdf"'
    return response


