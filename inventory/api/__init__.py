"""Items and stock levels over the API (`/api/v1/items`, `/api/v1/stock`); writing pack sizes and kits is
in `packs` (added to this router below)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.db.models import F, Prefetch
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from core.api import api_access
from core.api_types import Id
from core.text import filter_by_search

from .. import selectors
from ..codes import normalize_code
from ..models import Barcode, Item, Pack

router = Router(tags=["Inventory"])


class PackOut(Schema):
    id: int
    name: str
    units: int = Field(description="Units of the item in one pack (2 or more); stock is counted in units")
    barcodes: list[str]

    @staticmethod
    def resolve_barcodes(obj):
        return [b.code for b in obj.barcodes.all()]


class ItemOut(Schema):
    id: int
    name_el: str
    name_en: str
    category: str
    unit: str
    weight_kg: Decimal = Field(description="Weight of one unit in kg")
    unit_value_eur: Decimal = Field(description="Estimated value of one unit in euros")
    is_food: bool
    food_group: str
    has_expiry: bool
    is_active: bool
    barcodes: list[str] = Field(description="Codes of the item itself (a pack's codes are under `packs`)")
    packs: list[PackOut]

    @staticmethod
    def resolve_barcodes(obj):
        return [b.code for b in obj.barcodes.all() if b.pack_id is None]


class ItemByCodeOut(ItemOut):
    pack: PackOut | None = Field(description="The pack the code is printed on; null for the item's own codes")


class StockOut(Schema):
    item_id: int
    item_name: str
    location_id: int
    location_name: str
    unit: str
    quantity: Decimal = Field(description="Stock on hand, all lots together")
    next_expiry: date | None = Field(description="Earliest expiry date of the lots in stock")
    lots: int
    threshold: Decimal | None = Field(description="Low-stock threshold at this location, if any")
    low: bool


class Message(Schema):
    message: str


class ItemPage(Schema):
    count: int
    items: list[ItemOut]


class StockPage(Schema):
    count: int
    items: list[StockOut]


MAX_PAGE = 500
Limit = Annotated[int, Field(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Field(ge=0, le=10**9)]
Days = Annotated[int, Field(ge=0, le=36500)]


def _with_codes(items):
    return items.prefetch_related(
        Prefetch("barcodes", queryset=Barcode.objects.order_by("code")),
        Prefetch("packs", queryset=Pack.objects.order_by("units").prefetch_related(
            Prefetch("barcodes", queryset=Barcode.objects.order_by("code")))))


def _page(rows, limit, offset):
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    return {"count": rows.count(), "items": list(rows[offset:offset + limit])}


@router.get("/items", response={200: ItemPage, 403: Message}, summary="Items (goods), with their barcodes")
@api_access("inventory.view_items")
def list_items(request, q: str = "", category: str = "", code: str = "", active: bool | None = None,
               limit: Limit = 100, offset: Offset = 0):
    """Filter by search text (`q`, Greek or Latin), `category`, a scanned `code`, or `active`.
    Paged with `limit` (at most 500) and `offset`; `count` is the number of matches."""
    items = _with_codes(Item.objects.all())
    if q:
        items = filter_by_search(items, q)
    if category:
        items = items.filter(category=category)
    if code:
        items = items.filter(barcodes__code=normalize_code(code))
    if active is not None:
        items = items.filter(is_active=active)
    return _page(items.order_by("name_el"), limit, offset)


@router.get("/stock", response={200: StockPage, 403: Message},
            summary="Stock on hand per item and location")
@api_access("inventory.view_stock")
def list_stock(request, location: Id | None = None, item: Id | None = None, low: bool = False,
               expiring_within_days: Days | None = None, in_stock: bool = False, limit: Limit = 100,
               offset: Offset = 0):
    """Lots summed per item and location. `low`: only below the threshold; `expiring_within_days`:
    only lots that expire by then (or already have). Paged with `limit` and `offset`."""
    rows = selectors.stock_on_hand(expiring_within_days=expiring_within_days)
    if location is not None:
        rows = rows.filter(location_id=location)
    if item is not None:
        rows = rows.filter(item_id=item)
    if low:
        rows = rows.filter(threshold__isnull=False, quantity__lt=F("threshold"))
    if in_stock:
        rows = rows.filter(quantity__gt=0)
    page = _page(rows, limit, offset)
    page["items"] = [{**row, "low": row["threshold"] is not None and row["quantity"] < row["threshold"]}
                     for row in page["items"]]
    return page


@router.get("/items/by-code/{code}", response={200: ItemByCodeOut, 403: Message, 404: Message},
            summary="The item (and the pack) a scanned code finds")
@api_access("inventory.count_stock")
def item_by_code(request, code: str):
    """A pack's code answers with its item and, in `pack`, the pack (count it in packs of `pack.units`)."""
    item, pack = selectors.find_item_and_pack(code)
    if item is None:
        return Status(404, {"message": _("No item has this code.")})
    item = _with_codes(Item.objects.filter(pk=item.pk)).get()
    item.pack = next((p for p in item.packs.all() if pack and p.pk == pack.pk), None)
    return item


# Writing pack sizes and kits lives in its own module.
from .packs import router as packs_router  # noqa: E402

router.add_router("", packs_router)
