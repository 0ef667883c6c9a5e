"""The scan station page (volunteers, staff, coordinator): pick the day and the table once, then
scan. The scanning itself is POST /api/v1/scans (distribution/api/days.py) from core's widget.

The fallback search (a forgotten card) is not a way into the household register: it answers only
by POST from the station of a planned day, on its date and from SEARCH_MARGIN before the day's
opening until SEARCH_MARGIN after its closing, and shows only what a table needs to match a family
to the ID it shows: name, father's name, birth year, household size, card number, and the names of
the authorised collectors (for the "collects" button). No address, phone, categories or contacts."""

from datetime import datetime, timedelta

from django.middleware.gzip import GZipMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.audit import audit
from core.models import AuditLog
from core.roles import COORDINATOR, STAFF, has_role, role_required
from core.views_offline import OFFLINE_PAGE_HEADER

from ..forms import StationPickForm, day_label
from ..models import DistributionDay
from ..selectors.days import days_for_station, households_for_station_search
from .station_offline import offline_config


def _station_days(user):
    days = days_for_station()
    if has_role(user, STAFF):  # staff may also open a station for a day in the week ahead (training, tests)
        today = timezone.localdate()
        days = DistributionDay.objects.filter(date__gte=today, date__lte=today + timedelta(days=7),
                                              status=DistributionDay.Status.PLANNED)
    return days.select_related("programme", "location").order_by("date", "starts_at")


def _may_name_station(user) -> bool:
    return has_role(user, COORDINATOR)


@role_required("distribution.work_station")
def station_pick(request):
    """Each day open to this person, with its tables as buttons (a coordinator may also name another)."""
    days = _station_days(request.user)
    form = StationPickForm(request.GET or None, days=days, may_name_station=_may_name_station(request.user))
    if request.GET and form.is_valid():
        url = reverse("distribution:station", args=[form.cleaned_data["day"].pk])
        return redirect(f"{url}?{urlencode({'station': form.cleaned_data['station']})}")
    return render(request, "distribution/station_pick.html", {
        "title": _("Scan station"), "form": form, "days": [(day, day_label(day)) for day in days],
        "may_name_station": form.may_name_station})


@role_required("distribution.work_station")
def station(request, pk):
    day = get_object_or_404(DistributionDay.objects.select_related("programme", "location"), pk=pk)
    station_name = (request.GET.get("station") or "").strip()[:60]
    if not station_name:
        return redirect("distribution:station_pick")
    # An address kept from another day, or typed by hand, still has to name one of this day's tables.
    if day.station_named(station_name):
        station_name = day.station_named(station_name)
    elif not _may_name_station(request.user):
        return redirect(f"{reverse('distribution:station_pick')}?{urlencode({'day': day.pk, 'station': station_name})}")
    response = render(request, "distribution/station.html", _station_context(day, station_name, offline_page=True))
    # The page holds no name and no household (base.html, offline_page): the service worker may keep it.
    response[OFFLINE_PAGE_HEADER] = "1"
    # Compressed (its offline texts make it the station's largest file on a slow network); Django's gzip
    # pads against BREACH and the CSRF token is masked per answer.
    return GZipMiddleware(lambda _request: response).process_response(request, response)


def _station_context(day, station_name, **extra):
    return {"title": _("Scan station: %(station)s") % {"station": station_name}, "day": day, "station": station_name,
            "endpoint": reverse("api:scan_card"), "extra": {"day": day.pk, "station": station_name},
            "offline": offline_config(day), "today": timezone.localdate(), **extra}


def _search_answer(request, day, context, status=200):
    """The results into the page (htmx), or, when the search was sent before htmx had loaded (a slow
    network: station pages take it after they are ready to scan), the whole station page with them."""
    if request.htmx:
        return render(request, "distribution/_station_search.html", context, status=status)
    station_name = (request.POST.get("station") or "").strip()[:60]
    return render(request, "distribution/station.html", _station_context(day, station_name, search=context),
                  status=status)


SEARCH_MARGIN = timedelta(hours=2)


def search_window(day: DistributionDay) -> tuple[datetime, datetime]:
    """When the station's name search answers for this day (aware datetimes)."""
    zone = timezone.get_current_timezone()
    opens = timezone.make_aware(datetime.combine(day.date, day.starts_at), zone) - SEARCH_MARGIN
    closes = timezone.make_aware(datetime.combine(day.date, day.ends_at), zone) + SEARCH_MARGIN
    return opens, closes


def search_is_open(day: DistributionDay, now=None) -> bool:
    if day.status != DistributionDay.Status.PLANNED:
        return False
    opens, closes = search_window(day)
    return opens <= (now or timezone.now()) <= closes


@require_POST
@never_cache
@role_required("distribution.work_station")
def station_search(request, pk):
    day = get_object_or_404(DistributionDay, pk=pk)
    if not search_is_open(day):
        opens, closes = search_window(day)
        return _search_answer(request, day, {
            "closed": True, "opens": timezone.localtime(opens), "closes": timezone.localtime(closes)},
            status=200 if request.htmx else 403)  # htmx swaps only 2xx answers into the page
    query = request.POST.get("q", "")
    station_name = (request.POST.get("station") or "").strip()[:60]
    households = households_for_station_search(query)
    rows = []
    for household in households:
        members = list(household.members.all())
        reference = next((p for p in members if p.is_reference), None)
        card = next(iter(household.cards.all()), None)
        rows.append({
            "name": reference.full_name if reference else "",
            "father_name": reference.father_name if reference else "",
            "birth_year": reference.birth_date.year if reference and reference.birth_date else None,
            "size": len(members), "card": card,
            "collectors": [{"pk": c.pk, "name": c.name} for c in household.collectors.all() if c.is_active]})
    if len(query.strip()) >= 2:
        audit(AuditLog.Action.VIEW, day, changes={"station_search_results": len(rows), "station": station_name})
    return _search_answer(request, day, {"rows": rows, "query": query, "searched": len(query.strip()) >= 2})
