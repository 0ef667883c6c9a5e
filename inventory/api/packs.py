"""Writing an item's pack sizes and kits over the API (staff, like the item's page): add, change and remove
a pack size; set a kit's contents; assemble or take apart kits at a location, once per request id.

Refusals are problem documents (core.api_base): 422 `bad_pack`, `bad_kit` with the reason in the
request's language; 409 `insufficient_stock` when the location is short; 422 `request_id_reused` when a
request id comes again with another request (nothing done)."""

import uuid
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import BeforeValidator

from core import idempotency
from core.api import api_access
from core.api_types import Id, StrictSchema, _integral
from core.models import Location
from core.refusals import Refusal, refusal_text

from ..models import Item, Pack
from ..services import kits as kit_services
from ..services import packs as pack_services
from ..services.packs import MAX_UNITS_PER_PACK

router = Router(tags=["Inventory"])
MANAGE, ASSEMBLE = "inventory.manage_items", "inventory.assemble_kits"


class Message(Schema):
    message: str


@contextmanager
def _refused(code: str):
    """A service's validation error as the API's 422 refusal with `code` and the service's message."""
    try:
        yield
    except Refusal:
        raise
    except ValidationError as exc:
        raise Refusal(refusal_text(exc), code=code, status=422) from None


Units = Annotated[int, Field(ge=2, le=MAX_UNITS_PER_PACK), BeforeValidator(_integral)]
PackName = Annotated[str, Field(min_length=1, max_length=60)]


class PackIn(StrictSchema):
    name: PackName = Field(..., description="What the pack is called, e.g. κιβώτιο, χαρτόκουτο")
    units: Units = Field(..., description="Units of the item in one pack (2 or more)")
    code: str = Field("", max_length=64, description="The barcode printed on the pack (optional)")


class PackChangeIn(StrictSchema):
    name: PackName | None = Field(None, description="A new name (absent: keep)")
    units: Units | None = Field(None, description="A new number of units (absent: keep); stock stays in units")


class PackOut(Schema):
    id: int
    item_id: int
    name: str
    units: int
    barcodes: list[str]

    @staticmethod
    def resolve_barcodes(obj):
        return sorted(b.code for b in obj.barcodes.all())


class KitLineIn(StrictSchema):
    item_id: Id
    quantity: str = Field(..., min_length=1, max_length=20, pattern=r"^\d{1,9}(\.\d{1,3})?$",
                          description="Units of the item in each kit, up to 3 decimals, e.g. 2 or 0.5")


class KitContentsIn(StrictSchema):
    lines: list[KitLineIn] = Field(..., max_length=60, description="The whole bill; an empty list makes the item "
                                                                   "a plain item again")


class KitLineOut(Schema):
    item_id: int
    name: str
    quantity: Decimal


class KitContentsOut(Schema):
    kit_id: int
    lines: list[KitLineOut]


class KitRunIn(StrictSchema):
    action: Literal["assemble", "disassemble"] = Field(..., description="assemble: contents out, kits in; "
                                                                        "disassemble: kits out, contents back")
    location_id: Id
    count: Annotated[int, Field(ge=1, le=100_000), BeforeValidator(_integral)] = Field(
        ..., description="How many kits")
    request_id: uuid.UUID = Field(..., strict=False, description="Made by the client per request; a retry sends "
                                                                 "it again and is answered without doing it twice")


class MovementOut(Schema):
    item_id: int
    quantity: str = Field(..., description="Units in (+) or out (−) of the location")
    lot: str
    expiry_date: str | None


class KitRunOut(Schema):
    action: str
    kit_id: int
    location_id: int
    count: int
    movements: list[MovementOut]


def _pack(pack_id) -> Pack:
    return get_object_or_404(Pack.objects.prefetch_related("barcodes"), pk=pack_id)


@router.post("/items/{item_id}/packs", response={201: PackOut, 403: Message, 404: Message, 422: Message},
             summary="Add a pack size to an item (and the barcode printed on the pack)")
@api_access(MANAGE)
def add_pack(request, item_id: Id, payload: PackIn):
    item = get_object_or_404(Item, pk=item_id)
    with _refused("bad_pack"):
        pack = pack_services.add_pack(item, name=payload.name, units=payload.units, code=payload.code.strip(),
                                      by=request.user)
    return Status(201, _pack(pack.pk))


@router.patch("/packs/{pack_id}", response={200: PackOut, 403: Message, 404: Message, 422: Message},
              summary="Rename a pack size or change its number of units")
@api_access(MANAGE)
def change_pack(request, pack_id: Id, payload: PackChangeIn):
    pack = _pack(pack_id)
    with _refused("bad_pack"):
        pack_services.change_pack(pack, name=payload.name, units=payload.units, by=request.user)
    return Status(200, _pack(pack.pk))


@router.delete("/packs/{pack_id}", response={204: None, 403: Message, 404: Message},
               summary="Remove a pack size and its barcodes (stock is in units and stays)")
@api_access(MANAGE)
def remove_pack(request, pack_id: Id):
    pack_services.remove_pack(_pack(pack_id), by=request.user)
    return Status(204, None)


def _contents(kit: Item) -> dict:
    return {"kit_id": kit.pk, "lines": [{"item_id": line.component_id, "name": line.component.name,
                                         "quantity": line.quantity}
                                        for line in kit.kit_components.select_related("component").order_by("id")]}


@router.put("/items/{item_id}/kit-contents", response={200: KitContentsOut, 403: Message, 404: Message,
                                                       422: Message},
            summary="Set what a kit holds (the whole bill)")
@api_access(MANAGE)
def set_kit_contents(request, item_id: Id, payload: KitContentsIn):
    kit = get_object_or_404(Item, pk=item_id)
    items = Item.objects.in_bulk([line.item_id for line in payload.lines])
    missing = [line.item_id for line in payload.lines if line.item_id not in items]
    if missing:
        raise Refusal(_("There is no item %(id)s.") % {"id": missing[0]}, code="unknown_item", status=422)
    with _refused("bad_kit"):
        kit_services.set_kit_contents(kit, [(items[line.item_id], line.quantity) for line in payload.lines],
                                      by=request.user)
    return Status(200, _contents(kit))


@router.post("/items/{item_id}/kits", response={200: KitRunOut, 201: KitRunOut, 403: Message, 404: Message,
                                                409: Message, 422: Message},
             summary="Assemble kits from stock at a location, or take kits apart (once per request id)")
@api_access(ASSEMBLE)
def run_kits(request, item_id: Id, payload: KitRunIn):
    """201: done; 200: a retry of a request already answered (same user, same request_id and body): the first
    answer again, nothing done twice; 409 `insufficient_stock` (nothing changed); 422 `bad_kit` (the item
    has no contents) or `request_id_reused` (the id came before with another body; nothing done)."""
    kit = get_object_or_404(Item, pk=item_id)
    location = get_object_or_404(Location, pk=payload.location_id, is_active=True)
    with _refused("bad_kit"):
        answer = kit_services.kits_once(kit, action=payload.action, location=location, count=payload.count,
                                        request_id=payload.request_id, by=request.user)
    if answer.status == 422:
        raise Refusal(str(idempotency.REUSED_MESSAGE), code=idempotency.REUSED_CODE, status=422)
    return Status(answer.status, answer.body)
