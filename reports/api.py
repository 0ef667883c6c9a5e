"""The ESF+ figures over the API (staff only, like the page): the same `esf.esf_report` as the page and
the exports, as JSON. Money and tonnes are decimal strings ("19.55"), people and households integers."""

from datetime import date
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from core.api import api_access
from core.api_types import Date, Id
from core.db.replica import replica_reads

from . import esf
from .forms import PeriodForm

router = Router(tags=["Reports"])


class Message(Schema):
    message: str


class PeriodIn(Schema):
    start: Date | None = None
    end: Date | None = None
    programme: Id | None = None
    location: Id | None = None


class FigureOut(Schema):
    key: str
    number: str
    label: str
    value: int | Decimal = Field(..., description="integer for people and households, decimal string for € and tonnes")
    unit: str
    not_declared: int | None = None


class FoodGroupOut(Schema):
    code: str
    label: str
    tonnes: Decimal
    eur: Decimal


class EsfOut(Schema):
    start: date
    end: date
    programme: int | None
    location: int | None
    period: str
    figures: list[FigureOut]
    food_groups: list[FoodGroupOut]
    third_country_nationalities: list[str]
    footnotes: list[str]


@router.get("/reports/esf", response={200: EsfOut, 403: Message, 404: Message, 422: Message},
            summary="ESF+ material-deprivation indicators (Annex III) for a period")
@api_access("reports.see_reports")
def esf_indicators(request, filters: Query[PeriodIn]):
    """Every figure of the ESF+ report for the period (default: 1 January to today), optionally of one
    programme and one location: values in €, tonnes of food, end recipients (with "not declared")."""
    form = PeriodForm({key: value for key, value in filters.dict().items() if value is not None})
    if not form.is_valid():
        # A programme or location that does not exist is not found (404); a period the form refuses
        # (the end before the start, too long) is well-formed but cannot be reported (422).
        status = 404 if {"programme", "location"} & set(form.errors) else 422
        return Status(status, {"message": " ".join(str(e) for errors in form.errors.values() for e in errors)})
    period = form.period()
    with replica_reads():
        report = esf.esf_report(period)
    return {
        "start": period.start, "end": period.end, "programme": period.programme_id, "location": period.location_id,
        "period": form.describe(),
        "figures": [{"key": f.key, "number": f.number, "label": str(f.label), "value": f.value, "unit": f.unit,
                     "not_declared": f.not_declared} for f in report.figures],
        "food_groups": [{**group, "label": str(group["label"])} for group in report.food_groups],
        "third_country_nationalities": list(report.third_country_texts),
        "footnotes": [str(note) for note in report.footnotes],
    }
