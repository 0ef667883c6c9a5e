"""Hand-outs outside a distribution day over the API (staff, like the pages): the desk's answer for a
household, recording a hand-out (to a household or anonymous), the list, and a home delivery arriving.

Refusals are problem documents (core.api_base): 409 `already_collected`, `limit_reached`,
`not_enrolled`, `expired_eligibility` (send `override_reason` to hand out anyway), `revoked_card`,
`unknown_card` (never overridden), `insufficient_stock`; 422 for what cannot be carried out as sent."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import BeforeValidator

from core import idempotency
from core.api import api_access
from core.api_types import Date, Id, StrictSchema, _integral
from core.audit import audit
from core.memberships import members
from core.models import AuditLog, Location
from core.refusals import Refusal
from inventory.models import Item

from ..models import Handout, Household, Programme
from ..selectors import handouts as reads
from ..selectors.cards import card_for_code
from ..selectors.handouts import quantity_text
from ..services.handouts import BadHandout, cancel_handout, desk_answer, record_delivery, record_handout_once

router = Router(tags=["Hand-outs"])
RULE = "distribution.hand_out"


class Message(Schema):
    message: str


class LineIn(StrictSchema):
    item_id: Id
    quantity: str = Field(..., min_length=1, max_length=20, pattern=r"^\d{1,9}(\.\d{1,3})?$",
                          description="Units of the item, up to 3 decimals, e.g. 2 or 0.5")


# A count of people: JSON Schema's integer (2 and 2.0), never true/false or "2".
People = Annotated[int, Field(ge=0, le=99), BeforeValidator(_integral)]


class GroupsIn(StrictSchema):
    aged_under_18: People = 0
    aged_18_29: People = 0
    aged_30_64: People = 0
    aged_65_up: People = 0
    women: People = 0
    men: People = 0


class HandoutIn(StrictSchema):
    kind: Literal[tuple(Handout.Kind.values)]
    location_id: Id
    lines: list[LineIn] = Field(..., max_length=40, description="At least one line (else 422 empty_basket)")
    household_id: Id | None = Field(None, description="A registered household; leave out for an anonymous hand-out")
    programme_id: Id | None = Field(None, description="Required with a household")
    card_code: str = Field("", max_length=300, description="The card scanned or typed, when there was one")
    override_reason: str = Field("", max_length=300, description="Why a rule that refuses is overridden")
    people: Annotated[int, Field(ge=1, le=99), BeforeValidator(_integral)] | None = Field(
        None, description="Anonymous only: how many people")
    reason: str = Field("", max_length=300, description="Anonymous only: why (no names)")
    groups: GroupsIn | None = Field(None, description="Anonymous only, optional: age groups and sex")
    delivered_by_id: Id | None = Field(None, description="Home delivery only: the user who takes it")
    request_id: UUID | None = Field(None, strict=False, description=(
        "Recommended: a new UUID per hand-out, made by the client and sent again unchanged when it retries. "
        "A retry with the same id and body gets the first answer (200) and records nothing; the same id "
        "with another body is refused (422 request_id_reused). Ids are kept for the retention window."))


class LineOut(Schema):
    item_id: int
    name: str
    quantity: str
    unit: str


class HandoutOut(Schema):
    id: int
    kind: str
    location_id: int
    programme_id: int | None
    household_id: int | None
    date: date
    at: datetime
    people: int
    aged_under_18: int
    aged_18_29: int
    aged_30_64: int
    aged_65_up: int
    women: int
    men: int
    override_code: str
    delivered_by_id: int | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    basket: list[LineOut]


class RefusalOut(Schema):
    code: str
    message: str


class DisplayOut(Schema):
    level: str
    headline: str
    lines: list[str]
    action: str | None = None


class DeskOut(Schema):
    household_id: int
    size: int
    first_name: str
    refusals: list[RefusalOut]
    overridable: bool = Field(..., description="Every refusal may be overridden with a written reason")
    warnings: list[str]
    basket: list[LineOut] = Field(..., description="The basket the station would give (from the programme's plan)")
    display: DisplayOut


class CancelIn(StrictSchema):
    reason: str = Field(..., max_length=300, description="Why the hand-out is cancelled (required)")


class DeliveredIn(StrictSchema):
    delivered_by_id: Id | None = Field(None, description="Who took it (default: who took it as recorded, else you)")


def _out(handout: Handout) -> dict:
    return {**{name: getattr(handout, name) for name in HandoutOut.model_fields if name != "basket"},
            "basket": [{"item_id": line["item"], "name": line["name"], "quantity": line["quantity"],
                        "unit": line["unit"]} for line in handout.basket]}


def _user(user_id):
    """A person of the current centre (404 for anyone else)."""
    return get_object_or_404(members(), pk=user_id) if user_id else None


@router.get("/handouts", response={200: list[HandoutOut], 403: Message}, summary="Hand-outs, newest first")
@api_access(RULE)
def list_handouts(request, kind: Literal[tuple(Handout.Kind.values)] | None = None, anonymous: bool | None = None,
                  since: Date | None = None, until: Date | None = None):
    found = reads.handouts(kind=kind, anonymous=anonymous, start=since, end=until)[:500]
    return Status(200, [_out(h) for h in found])


@router.get("/households/{household_id}/handout-check", response={200: DeskOut, 403: Message, 404: Message},
            summary="The station's answer for a household at the desk today (audited)")
@api_access(RULE)
def handout_check(request, household_id: Id, programme_id: Id | None = None, location_id: Id | None = None):
    """Without programme_id: the household's current enrolment's (else the first active programme);
    without location_id: the first active location."""
    household = get_object_or_404(Household, pk=household_id, status=Household.Status.ACTIVE)
    programme = (get_object_or_404(Programme, pk=programme_id) if programme_id
                 else reads.default_programme(household))
    location = (get_object_or_404(Location, pk=location_id) if location_id
                else Location.objects.filter(is_active=True).first())
    if programme is None or location is None:
        raise BadHandout(_("A programme and a location are needed first."), code="no_programme")
    answer = desk_answer(household=household, programme=programme, location=location)
    audit(AuditLog.Action.VIEW, household, changes={"handout_desk": True})
    return Status(200, {
        "household_id": household.pk, "size": answer.size, "first_name": answer.first_name,
        "refusals": [{"code": code, "message": message} for code, message in answer.refusals],
        "overridable": not answer.hard, "warnings": answer.warnings, "display": answer.display,
        "basket": [{"item_id": line.item.pk, "name": line.item.name, "quantity": quantity_text(line.quantity),
                    "unit": line.item.unit} for line in answer.basket]})


@router.post("/handouts", response={200: HandoutOut, 201: HandoutOut, 403: Message, 404: Message, 409: Message,
                                    422: Message},
             summary="Record a hand-out and take its goods out of stock (once per request id)")
@api_access(RULE)
def create_handout(request, payload: HandoutIn):
    """201: recorded. With a `request_id`: 200 for a retry of a request already answered (same user, same
    request_id and body): the first answer again, nothing recorded or taken out of stock twice; 422
    `request_id_reused` when the id came before with another body (nothing recorded). A refusal keeps
    nothing: the id may be sent again. Without a `request_id` every request records a hand-out."""
    location = get_object_or_404(Location, pk=payload.location_id, is_active=True)
    items = Item.objects.in_bulk([line.item_id for line in payload.lines])
    missing = [line.item_id for line in payload.lines if line.item_id not in items]
    if missing:
        raise BadHandout(_("There is no item %(id)s.") % {"id": missing[0]}, code="unknown_item")
    household = get_object_or_404(Household, pk=payload.household_id) if payload.household_id else None
    programme = get_object_or_404(Programme, pk=payload.programme_id) if payload.programme_id else None
    card = None
    if payload.card_code.strip():
        card = card_for_code(payload.card_code)
        if card is None:
            raise BadHandout(_("Unknown card. Check the number, or search by name and check an ID."),
                             code="unknown_card")
    groups = payload.groups.dict() if payload.groups else None
    answer = record_handout_once(
        by=request.user, location=location, kind=payload.kind, household=household, programme=programme, card=card,
        lines=[(items[line.item_id], line.quantity) for line in payload.lines], people=payload.people,
        reason=payload.reason, groups=groups, override_reason=payload.override_reason,
        delivered_by=_user(payload.delivered_by_id), request_id=payload.request_id,
        fingerprint=idempotency.fingerprint(payload.model_dump(mode="json", exclude={"request_id"})) if
        payload.request_id else "",
        answer=lambda handout: HandoutOut(**_out(handout)).model_dump(mode="json"))
    if answer.status == 422:
        raise Refusal(str(idempotency.REUSED_MESSAGE), code=idempotency.REUSED_CODE, status=422)
    return Status(answer.status, answer.body)


@router.post("/handouts/{handout_id}/delivered", response={200: HandoutOut, 403: Message, 404: Message,
                                                           422: Message},
             summary="A home delivery arrived: who took it, now")
@api_access(RULE)
def handout_delivered(request, handout_id: Id, payload: DeliveredIn):
    handout = get_object_or_404(Handout, pk=handout_id)
    delivered_by = _user(payload.delivered_by_id) or handout.delivered_by or request.user
    return Status(200, _out(record_delivery(handout, by=request.user, delivered_by=delivered_by)))



@router.post("/handouts/{handout_id}/cancel", response={200: HandoutOut, 403: Message, 404: Message, 409: Message,
                                                        422: Message},
             summary="Cancel a hand-out recorded by mistake: its goods go back to stock")
@api_access(RULE)
def handout_cancel(request, handout_id: Id, payload: CancelIn):
    handout = get_object_or_404(Handout, pk=handout_id)
    return Status(200, _out(cancel_handout(handout, reason=payload.reason, by=request.user)))
