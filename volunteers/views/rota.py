"""The rota as a week or month grid: the coordinator's (every shift, with names; printable and
exportable) and a volunteer's own (their shifts and those they may take)."""

from datetime import date

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import export_response, exports
from core.models import Location
from core.roles import role_required
from core.validators import activity_window

from .. import rota as rota_grid
from .. import selectors
from .mine import _me, own_shifts_required


def _anchor(query) -> date:
    """The day the grid is around (`?date=YYYY-MM-DD`); today when missing, not a date, or outside the
    years shifts may have (core.validators.activity_window)."""
    try:
        day = date.fromisoformat((query.get("date") or "").strip()[:10])
    except ValueError:
        return timezone.localdate()
    first, last = activity_window()
    return day if first <= day <= last else timezone.localdate()


def _location(query):
    raw = (query.get("location") or "").strip()
    if not raw.isdigit() or len(raw) > 12:
        return None
    return Location.objects.filter(pk=int(raw)).first()


def _title(grid) -> str:
    if grid.view == "week":
        return _("Week %(start)s – %(end)s") % {"start": grid.start.strftime("%d/%m"),
                                                  "end": grid.last_day.strftime("%d/%m/%Y")}
    from django.utils.dateformat import format as date_format

    return date_format(grid.anchor, "F Y")


@exports("csv", "xlsx")
@role_required("volunteers.manage")
def rota(request):
    view = request.GET.get("view") if request.GET.get("view") in rota_grid.VIEWS else "week"
    location = _location(request.GET)
    grid = rota_grid.build(view, _anchor(request.GET), location=location)
    export_format = request.GET.get("format")
    if export_format in ("csv", "xlsx"):
        headers, rows = rota_grid.export_rows(grid)
        name = f"rota-{grid.start:%Y-%m-%d}-{grid.last_day:%Y-%m-%d}.{export_format}"
        return export_response(headers, rows, export_format=export_format, filename=name, title=_("Rota"),
                               audit_repr=name, audit_changes={"view": view, "since": str(grid.start),
                                                               "until": str(grid.last_day),
                                                               "location": location.pk if location else None})
    return render(request, "volunteers/rota.html", {
        "title": _("Rota"), "period_title": _title(grid), "grid": grid, "coordinator": True,
        "location": location, "locations": Location.objects.filter(is_active=True),
        "today": timezone.localdate(),
    })


@own_shifts_required
def my_rota(request):
    volunteer = _me(request)
    if volunteer is None:
        return render(request, "volunteers/me_missing.html", {"title": _("My rota")})
    view = request.GET.get("view") if request.GET.get("view") in rota_grid.VIEWS else "month"
    open_ids = [s.pk for s in selectors.open_shifts_for(volunteer)]
    grid = rota_grid.build(view, _anchor(request.GET), volunteer=volunteer, open_ids=open_ids)
    return render(request, "volunteers/rota.html", {
        "title": _("My rota"), "period_title": _title(grid), "grid": grid, "coordinator": False,
        "today": timezone.localdate(),
    })
