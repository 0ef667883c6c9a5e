"""Needs over the API: the coordinator's list (read by staff) and the needs recorded for a household
and its members (staff; every read is audited, and the audit log never names the need). Volunteers
get neither: the station's answers carry the adapted basket only."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from core.api import api_access
from core.api_types import Date, Id, StrictSchema
from core.audit import audit
from core.models import AuditLog

from ..models import Household, HouseholdNeed, Need, Person
from ..services.needs import record_need, remove_need

router = Router(tags=["Needs"])
RULE = "distribution.manage_needs"


class Message(Schema):
    message: str


class NeedOut(Schema):
    id: int
    code: str
    name: str = Field(..., description="In the language of the request (Greek unless English was asked for)")
    name_el: str
    name_en: str
    special_category: bool = Field(..., description="Reveals health or religion: recorded only with explicit "
                                   "consent")
    applies_to: str = Field(..., description="household or member")
    is_active: bool


class HouseholdNeedOut(Schema):
    id: int
    need: NeedOut
    person_id: int | None = Field(..., description="The member who has it; null: a need of the household")
    legal_basis: str
    consent_date: date | None
    recorded_at: str


class HouseholdNeedIn(StrictSchema):
    need: str = Field(..., min_length=1, max_length=40, description="The need's code, e.g. gluten-free")
    person_id: Id | None = Field(None, description="Required for a need of a member")
    legal_basis: str = Field("", max_length=20, description="Empty: the household's legal basis. A special-"
                             "category need takes consent, with consent_date")
    consent_date: Date | None = None


def _need_out(need: Need) -> dict:
    return {"id": need.pk, "code": need.code, "name": need.name, "name_el": need.name_el, "name_en": need.name_en,
            "special_category": need.special_category, "applies_to": need.applies_to, "is_active": need.is_active}


def _record_out(record: HouseholdNeed) -> dict:
    return {"id": record.pk, "need": _need_out(record.need), "person_id": record.person_id,
            "legal_basis": record.legal_basis, "consent_date": record.consent_date,
            "recorded_at": record.recorded_at.isoformat()}


@router.get("/needs", response={200: list[NeedOut], 403: Message}, summary="The list of needs the coordinator keeps")
@api_access(RULE)
def needs(request):
    return Status(200, [_need_out(need) for need in Need.objects.order_by("name_el", "id")])


@router.get("/households/{household_id}/needs", response={200: list[HouseholdNeedOut], 403: Message, 404: Message},
            summary="The needs recorded for a household and its members (audited)")
@api_access(RULE)
def household_needs(request, household_id: Id):
    household = get_object_or_404(Household.objects.only("pk"), pk=household_id)
    records = list(HouseholdNeed.objects.filter(household=household).select_related("need"))
    audit(AuditLog.Action.VIEW, household, changes={"fields": ["needs"]})
    return Status(200, [_record_out(record) for record in records])


@router.post("/households/{household_id}/needs",
             response={201: HouseholdNeedOut, 403: Message, 404: Message, 409: Message, 422: Message},
             summary="Record a need for a household or one of its members")
@api_access(RULE)
def add_household_need(request, household_id: Id, payload: HouseholdNeedIn):
    household = get_object_or_404(Household, pk=household_id)
    need = Need.objects.filter(code=payload.need).first()
    if need is None:
        return Status(422, {"message": _("There is no such need on the list.")})
    person = None
    if payload.person_id is not None:
        person = Person.objects.filter(pk=payload.person_id, household=household).first()
        if person is None:
            return Status(422, {"message": _("This person is not a current member of the household.")})
    record = record_need(household, need, person=person, by=request.user, legal_basis=payload.legal_basis,
                         consent_date=payload.consent_date)
    return Status(201, _record_out(record))


@router.delete("/households/{household_id}/needs/{record_id}", response={204: None, 403: Message, 404: Message},
               summary="Remove a need recorded for a household or member")
@api_access(RULE)
def delete_household_need(request, household_id: Id, record_id: Id):
    record = get_object_or_404(HouseholdNeed, pk=record_id, household_id=household_id)
    remove_need(record, by=request.user)
    return Status(204, None)
