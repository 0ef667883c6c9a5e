"""Households and cards over the API: staff (and the coordinator) only, like the pages.

Distribution days and the scan are in `days` (added to this router below). The endpoints stay in
these two modules' names: the OpenAPI operation ids are made from them (distribution_api_…,
distribution_api_days_…) and the document's links name them."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from core.api import api_access
from core.api_types import Date, Id, StrictSchema
from core.audit import audit
from core.models import AuditLog

from ..models import Card, Household, Person
from ..selectors import household_for_page, households_matching
from ..services import cards as card_services
from ..services import households as household_services

router = Router(tags=["Distribution"])


class Message(Schema):
    message: str


class DuplicateOut(Schema):
    household_id: int
    reason: str = Field(..., description="amka, name_birth_date, or name_and_contact (softer: the same name "
                        "without a date of birth to compare, and the same phone, address or a family member)")
    message: str


class DuplicatesOut(Schema):
    message: str
    duplicates: list[DuplicateOut]


class PersonIn(StrictSchema):
    first_name: str = Field(..., min_length=1, max_length=80)
    last_name: str = Field(..., min_length=1, max_length=80)
    father_name: str = Field("", max_length=80)
    birth_date: Date | None = None
    sex: Literal["F", "M", "X", ""] = Field("", description="F, M, X or empty (not declared)")
    nationality: str = Field("", max_length=60)
    amka: str = Field("", max_length=11)
    other_id_kind: str = Field("", max_length=12)
    other_id: str = Field("", max_length=40)
    phone: str = Field("", max_length=30)
    address: str = Field("", max_length=200)
    relation: str = Field("other", max_length=12)
    categories: dict[str, str] = Field(default_factory=dict, description='e.g. {"roma": "yes"}; missing = not declared')


class PersonOut(PersonIn):
    id: int
    is_reference: bool


class HouseholdIn(StrictSchema):
    address: str = Field("", max_length=200)
    area: str = Field("", max_length=100)
    categories: dict[str, str] = Field(default_factory=dict, description='e.g. {"kea": "yes"}')
    legal_basis: str = Field(Household.LegalBasis.PUBLIC_TASK.value, max_length=20)
    consent_date: Date | None = None
    consent_text_version: str = Field("", max_length=40)
    retention_until: Date | None = None
    notes: str = Field("", max_length=5000)
    reference: PersonIn
    members: list[PersonIn] = Field(default_factory=list, max_length=40)
    allow_duplicates: bool = Field(False, description="Register even if possible duplicates were found")


class CardOut(Schema):
    id: int
    household_id: int
    number: str
    status: str
    valid_until: date | None


class HouseholdOut(Schema):
    id: int
    status: str
    address: str
    area: str
    categories: dict[str, str]
    legal_basis: str
    consent_date: date | None
    consent_text_version: str
    retention_until: date | None
    notes: str
    members: list[PersonOut]
    cards: list[CardOut]


class HouseholdSummary(Schema):
    id: int
    reference_first_name: str | None
    reference_last_name: str | None
    member_count: int
    card_number: str | None


class CardRequestIn(StrictSchema):
    household_id: Id


class RevokeIn(StrictSchema):
    reason: Literal[tuple(Card.RevokeReason.values)] = Field(..., description="lost, stolen, damaged or ineligible")


def _card_out(card):
    return {"id": card.pk, "household_id": card.household_id, "number": card.display_number,
            "status": card.effective_status(), "valid_until": card.valid_until}


def _household_out(household):
    members = [{**{f: getattr(p, f) for f in PersonIn.model_fields}, "id": p.pk, "is_reference": p.is_reference}
               for p in household.members.all()]
    return {"id": household.pk, "status": household.status, "address": household.address, "area": household.area,
            "categories": household.categories, "legal_basis": household.legal_basis,
            "consent_date": household.consent_date, "consent_text_version": household.consent_text_version,
            "retention_until": household.retention_until, "notes": household.notes, "members": members,
            "cards": [_card_out(c) for c in household.cards.all()]}


@router.get("/households", response={200: list[HouseholdSummary], 403: Message},
            summary="Search households by name, card number, AMKA or phone")
@api_access("distribution.manage_households")
def search_households(request, q: str = ""):
    if not q.strip():
        return Status(200, [])
    found = list(households_matching(q)[:50])
    audit(AuditLog.Action.VIEW, None, object_repr=f"household search ({len(found)} results)")
    return Status(200, found)


@router.post("/households", response={201: HouseholdOut, 403: Message, 409: DuplicatesOut, 422: Message},
             summary="Register a household with its reference person and members")
@api_access("distribution.manage_households")
def create_household(request, payload: HouseholdIn):
    data = payload.dict()
    reference, members = data.pop("reference"), data.pop("members")
    allow = data.pop("allow_duplicates")
    household = Household(**data)
    if household.consent_date:
        household.consent_recorded_by = request.user
    try:
        household = household_services.register_household(
            household, Person(**reference), [Person(**m) for m in members], by=request.user,
            allow_duplicates=allow)
    except household_services.DuplicatesFound as exc:
        return Status(409, {"message": _("Possible duplicates: check them, then send allow_duplicates=true."),
                     "duplicates": [{"household_id": d.existing.household_id, "reason": d.reason,
                                     "message": d.message} for d in exc.duplicates]})
    except ValidationError as exc:
        return Status(422, {"message": " ".join(exc.messages)})
    return Status(201, _household_out(household_for_page(household.pk)))


@router.get("/households/{household_id}", response={200: HouseholdOut, 403: Message, 404: Message},
            summary="One household with its members and cards (audited)")
@api_access("distribution.manage_households")
def read_household(request, household_id: Id):
    get_object_or_404(Household.objects.only("pk"), pk=household_id)
    household = household_for_page(household_id)
    audit(AuditLog.Action.VIEW, household)
    return Status(200, _household_out(household))


@router.get("/cards/{card_id}", response={200: CardOut, 403: Message, 404: Message}, summary="One card")
@api_access("distribution.manage_cards")
def read_card(request, card_id: Id):
    return Status(200, _card_out(get_object_or_404(Card, pk=card_id)))


@router.post("/cards", response={201: CardOut, 403: Message, 404: Message, 409: Message},
             summary="Issue (request) a card for a household without an active one")
@api_access("distribution.manage_cards")
def issue_card(request, payload: CardRequestIn):
    household = get_object_or_404(Household, pk=payload.household_id)
    card = card_services.request_card(household, by=request.user)
    return Status(201, _card_out(card))


@router.post("/cards/{card_id}/revoke", response={200: CardOut, 403: Message, 404: Message, 409: Message,
                                                   422: Message}, summary="Revoke a card at once")
@api_access("distribution.manage_cards")
def revoke_card(request, card_id: Id, payload: RevokeIn):
    card = get_object_or_404(Card, pk=card_id)
    if payload.reason not in Card.RevokeReason.values:
        return Status(422, {"message": _("Choose why the card is revoked.")})
    card = card_services.revoke_card(card, reason=payload.reason, by=request.user)
    return Status(200, _card_out(card))


@router.post("/cards/{card_id}/pdf", response={200: None, 403: Message, 404: Message, 409: Message},
             summary="Print a requested card: creates its secret token and returns the PDF (only once)",
             openapi_extra={"responses": {200: {"description": "PDF",
                                                "content": {"application/pdf": {}}}}})
@api_access("distribution.manage_cards")
def card_pdf(request, card_id: Id):
    card = get_object_or_404(Card, pk=card_id)
    with transaction.atomic():  # a card already printed: CardError, answered 409 by core.api_base
        pdf = card_services.print_cards([card], by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="card-{card.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# Distribution days and the scan endpoint live in their own module.
from .days import router as days_router  # noqa: E402

router.add_router("", days_router)

# Hand-outs outside a distribution day.
from .handouts import router as handouts_router  # noqa: E402

router.add_router("", handouts_router)

# Needs: the coordinator's list and the needs recorded for households.
from .needs import router as needs_router  # noqa: E402

router.add_router("", needs_router)
