"""Shifts and sign-ups in the JSON API: list, take, leave."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from core.api import api_access
from core.api_types import DateTime, Id
from core.roles import may

from . import selectors
from .models import Assignment, Shift, SwapAsk, SwapOffer
from .services import signups, swaps

router = Router(tags=["Volunteers"])


class ShiftOut(Schema):
    id: int
    location_id: int
    location: str
    starts_at: datetime
    ends_at: datetime
    role: str
    role_label: str
    signup_mode: str
    min_people: int
    max_people: int
    booked: int
    free_places: int
    languages_needed: list[str]
    skills_needed: list[str]
    description: str
    my_status: str | None = None


class Message(Schema):
    message: str


class AssignmentOut(Schema):
    shift_id: int
    status: str


def _out(shift, mine=None):
    return {
        "id": shift.pk, "location_id": shift.location_id, "location": shift.location.name,
        "starts_at": shift.starts_at, "ends_at": shift.ends_at, "role": shift.role,
        "role_label": str(shift.get_role_display()), "signup_mode": shift.signup_mode,
        "min_people": shift.min_people, "max_people": shift.max_people, "booked": shift.booked,
        "free_places": shift.free_places, "languages_needed": shift.languages_needed,
        "skills_needed": [s.name for s in shift.skills_needed.all()], "description": shift.description,
        "my_status": (mine or {}).get(shift.pk),
    }


@router.get("/shifts", response={200: list[ShiftOut], 403: Message},
            summary="Upcoming volunteer shifts (volunteers: the ones they may take or are on)")
@api_access("volunteers.own_shifts")
def list_shifts(request, location: Id | None = None, since: DateTime | None = None, until: DateTime | None = None):
    volunteer = selectors.volunteer_of(request.user)
    everything = may(request.user, "volunteers.manage")  # the coordinator sees every shift
    if volunteer is None and not everything:
        return Status(200, [])  # a volunteer account without a profile (the page says so): no shifts
    shifts = selectors.visible_shifts(request.user, since=since or timezone.now(), until=until, location=location)
    mine = {}
    if volunteer is not None:
        mine = dict(Assignment.objects.filter(volunteer=volunteer).values_list("shift_id", "status"))
    if not everything:
        shifts = [s for s in shifts if s.pk in mine or s.signup_mode != "assigned"]
    return Status(200, [_out(s, mine) for s in list(shifts)[:500]])


def _act(request, shift_id, action):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        # Allowed by the rule, but there is no profile to book (the page says the same): a conflict.
        return Status(409, {"message": _("This account is not linked to a volunteer profile: ask the coordinator "
                                         "to link it.")})
    shift = get_object_or_404(Shift, pk=shift_id)
    try:
        if action == "take":
            assignment = signups.take_shift(volunteer, shift, by=request.user)
        else:
            assignment = signups.leave_shift(volunteer, shift, by=request.user)
    except ValidationError as error:
        return Status(409, {"message": " ".join(error.messages)})
    return Status(200, {"shift_id": shift.pk, "status": assignment.status})


@router.post("/shifts/{shift_id}/take", response={200: AssignmentOut, 403: Message, 409: Message},
             summary="Take a place on an open shift (or ask for one on an on-request shift)")
@api_access("volunteers.own_shifts")
def take(request, shift_id: Id):
    return _act(request, shift_id, "take")


@router.post("/shifts/{shift_id}/leave", response={200: AssignmentOut, 403: Message, 409: Message},
             summary="Give a place back before the shift starts")
@api_access("volunteers.own_shifts")
def leave(request, shift_id: Id):
    return _act(request, shift_id, "leave")


class OfferIn(Schema):
    reason: str = ""


class OfferOut(Schema):
    id: int
    shift_id: int
    status: str
    asking: int | None = None  # the place in the list of the one asked now
    candidates: int


class SwapAskOut(Schema):
    id: int
    status: str
    answer_by: datetime | None
    shift: ShiftOut


def _offer_out(offer):
    progress = selectors.shift_offers(offer.shift)
    mine = next(p for p in progress if p.offer.pk == offer.pk)
    return {"id": offer.pk, "shift_id": offer.shift_id, "status": mine.offer.status,
            "asking": mine.position or None, "candidates": mine.total}


def _volunteer_or_409(request):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        raise swaps.SwapRefusal(_("This account is not linked to a volunteer profile: ask the coordinator to link "
                                  "it."), code="no_profile")
    return volunteer


@router.post("/shifts/{shift_id}/offer", response={200: OfferOut, 403: Message, 404: Message, 409: Message},
             summary="Offer my confirmed shift to others: the best replacements are asked in turn")
@api_access("volunteers.own_shifts")
def offer(request, shift_id: Id, data: OfferIn):
    volunteer = _volunteer_or_409(request)
    assignment = get_object_or_404(Assignment, shift_id=shift_id, volunteer=volunteer)
    return Status(200, _offer_out(swaps.offer_shift(assignment, reason=data.reason, by=request.user)))


@router.post("/offers/{offer_id}/withdraw", response={200: OfferOut, 403: Message, 404: Message, 409: Message},
             summary="I can come after all: stop asking others")
@api_access("volunteers.own_shifts")
def withdraw_offer(request, offer_id: Id):
    item = get_object_or_404(SwapOffer, pk=offer_id, volunteer=_volunteer_or_409(request))
    swaps.withdraw(item, by=request.user)
    return Status(200, _offer_out(item))


@router.get("/replacement-asks", response={200: list[SwapAskOut], 403: Message},
            summary="Shifts others offered that I am asked to take")
@api_access("volunteers.own_shifts")
def replacement_asks(request):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        return Status(200, [])
    return Status(200, [{"id": a.pk, "status": a.status, "answer_by": a.answer_by, "shift": _out(a.offer.shift)}
                        for a in selectors.my_swap_asks(volunteer)])


@router.post("/replacement-asks/{ask_id}/accept", response={200: Message, 403: Message, 404: Message, 409: Message},
             summary="Take a shift I am asked to take (mine if nobody took it first)")
@api_access("volunteers.own_shifts")
def accept_ask(request, ask_id: Id):
    item = get_object_or_404(SwapAsk, pk=ask_id, volunteer=_volunteer_or_409(request))
    swaps.accept(item, by=request.user)
    return Status(200, {"message": _("Thank you! The shift is yours; it is now in your shifts.")})


@router.post("/replacement-asks/{ask_id}/decline", response={200: Message, 403: Message, 404: Message,
                                                               409: Message},
             summary="Say no to a shift I am asked to take (the next one is asked)")
@api_access("volunteers.own_shifts")
def decline_ask(request, ask_id: Id):
    item = get_object_or_404(SwapAsk, pk=ask_id, volunteer=_volunteer_or_409(request))
    swaps.decline(item, by=request.user)
    return Status(200, {"message": _("Thank you for answering; we will ask someone else.")})
