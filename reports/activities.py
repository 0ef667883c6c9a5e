"""Volunteers and events reports: hours per month and site, fill rate of shifts, no-shows; events,
registrations, attendance and waiting lists by category."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from events import reporting as events_reporting
from volunteers import reporting as volunteers_reporting

from .documents import Column, Document, Table


def volunteers_tables(start, end, location_id=None) -> list[Table]:
    hours = volunteers_reporting.hours_by_month_and_site(start, end, location_id)
    shifts = volunteers_reporting.shifts_by_month(start, end, location_id)
    return [
        Table(_("Volunteer hours per month and site"),
              [Column(_("Month")), Column(_("Location"), width=2), Column(_("Approved hours"), "eur"),
               Column(_("Shifts served"), "int"), Column(_("Volunteers"), "int")],
              [[r["month"], r["location"], r["hours"], r["assignments"], r["volunteers"]] for r in hours]),
        Table(_("Shifts: fill rate and no-shows"),
              [Column(_("Month")), Column(_("Shifts"), "int"), Column(_("Places"), "int"), Column(_("Filled"), "int"),
               Column(_("Fill rate (%)"), "pct"), Column(_("Below minimum"), "int"), Column(_("Present"), "int"),
               Column(_("No-shows"), "int")],
              [[r["month"], r["shifts"], r["places"], r["filled"], r["fill_rate"], r["understaffed"], r["present"],
                r["no_show"]] for r in shifts],
              note=_("Filled: volunteers assigned or confirmed (at most the places). Present and no-shows: as "
                     "recorded by the coordinator.")),
    ]


def events_tables(start, end, location_id=None) -> list[Table]:
    categories = events_reporting.by_category(start, end, location_id)
    return [
        Table(_("Events by category"),
              [Column(_("Category"), width=2), Column(_("Events"), "int"),
               Column(pgettext("events", "Cancelled"), "int"),
               Column(_("Places offered"), "int"), Column(_("Registrations"), "int"),
               Column(_("Places registered"), "int"), Column(_("Attended"), "int"), Column(_("Did not come"), "int"),
               Column(_("Waiting list"), "int")],
              [[str(r["label"]), r["events"], r["cancelled"], r["capacity"], r["registrations"], r["places"],
                r["attended"], r["no_show"], r["waiting_places"]] for r in categories],
              note=_("Registrations: confirmed. Attended: places of the registrations checked in at the door. "
                     "Waiting list: places still waiting.")),
    ]


def activities_document(start, end, location_id, subtitle: str) -> Document:
    return Document(title=_("Volunteers and events"), subtitle=subtitle, filename="volunteers-events",
                    tables=volunteers_tables(start, end, location_id) + events_tables(start, end, location_id),
                    footnotes=[_("Cancelled shifts are left out; hours are approved hours only. Draft events are "
                                 "left out.")])
