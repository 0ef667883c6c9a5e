import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .documents import DOCUMENTS
from .models import Donation, Donor, Item, StockMovement, StockTake, Transfer
from .services.stock import format_quantity


class QuantityColumn(tables.Column):
    attrs = {"td": {"class": "number"}}

    def render(self, value):
        return format_quantity(value)

    def value(self, value):
        return value


class ItemTable(tables.Table):
    name_el = tables.Column(verbose_name=_("name"), linkify=lambda record: reverse("inventory:item", args=[record.pk]))
    codes = tables.Column(verbose_name=_("barcodes"), empty_values=(), orderable=False)

    class Meta:
        model = Item
        fields = ["name_el", "name_en", "category", "unit", "weight_kg", "unit_value_eur", "food_group", "codes",
                  "is_active"]

    def render_codes(self, record):
        return ", ".join(b.code for b in record.barcodes.all())

    def value_codes(self, record):
        return self.render_codes(record)


class StockTable(tables.Table):
    """Rows are dicts from selectors.stock_on_hand (per item and location)."""

    item_name = tables.Column(verbose_name=_("item"),
                              linkify=lambda record: reverse("inventory:item", args=[record["item_id"]]))
    category = tables.Column(verbose_name=_("category"))
    location_name = tables.Column(verbose_name=_("location"))
    quantity = QuantityColumn(verbose_name=_("quantity"))
    unit = tables.Column(verbose_name=_("unit"))
    next_expiry = tables.DateColumn(verbose_name=_("next expiry"))
    weight_kg = QuantityColumn(verbose_name=_("kg"))
    threshold = QuantityColumn(verbose_name=_("low-stock threshold"))
    status = tables.Column(verbose_name=_("status"), empty_values=(), orderable=False)

    def render_category(self, value):
        return Item.Category(value).label if value else ""

    def render_unit(self, value):
        return Item.Unit(value).label if value else ""

    def render_item_name(self, value, record):
        """A kit shows what it holds under its name."""
        if not hasattr(self, "_kits"):
            from .selectors import kit_contents_text

            self._kits = kit_contents_text()
        contents = self._kits.get(record["item_id"])
        if not contents:
            return value
        return format_html('{}<br><small class="kit-contents">{}: {}</small>', value, _("kit"), contents)

    def value_item_name(self, value):
        return value

    def render_status(self, record):
        if record["threshold"] is not None and record["quantity"] < record["threshold"]:
            return format_html('<span class="badge badge-bad">{}</span>', _("low"))
        return format_html('<span class="badge badge-ok">{}</span>', _("ok"))

    def value_status(self, record):
        return "low" if record["threshold"] is not None and record["quantity"] < record["threshold"] else "ok"


class MovementTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("when"))
    quantity = QuantityColumn(verbose_name=_("quantity"))
    document = tables.Column(verbose_name=_("document"), empty_values=(), orderable=False)
    correct = tables.TemplateColumn(
        '{% load i18n %}{% if record.reason != "correction" %}<a href="{% url "inventory:movement_reverse" '
        'record.pk %}">{% translate "Reverse" %}</a>{% endif %}',
        verbose_name=_("correction"), orderable=False, exclude_from_export=True)

    class Meta:
        model = StockMovement
        fields = ["at", "reason", "location", "lot", "expiry_date", "quantity", "by", "document", "reason_text"]

    def render_document(self, record):
        label = f"{record.document_type} {record.document_id}".strip()
        url_name = DOCUMENTS.get(record.document_type, (None, None))[1]
        if url_name and record.document_id.isdigit():
            return format_html('<a href="{}">{}</a>', reverse(url_name, args=[int(record.document_id)]), label)
        return label

    def value_document(self, record):
        return f"{record.document_type} {record.document_id}".strip()


class DonorTable(tables.Table):
    name = tables.Column(linkify=lambda record: reverse("inventory:donor_edit", args=[record.pk]))

    class Meta:
        model = Donor
        fields = ["name", "kind", "tax_number", "phone", "email"]


class DonationTable(tables.Table):
    number = tables.Column(verbose_name=_("number"), accessor="pk",
                           linkify=lambda record: reverse("inventory:donation", args=[record.pk]))
    lines = tables.Column(verbose_name=_("lines"), accessor="line_count")

    class Meta:
        model = Donation
        fields = ["number", "date", "donor", "location", "status", "lines"]

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number


class TransferTable(tables.Table):
    number = tables.Column(verbose_name=_("number"), accessor="pk",
                           linkify=lambda record: reverse("inventory:transfer", args=[record.pk]))

    class Meta:
        model = Transfer
        fields = ["number", "at", "from_location", "to_location", "by", "note"]

    def render_number(self, record):
        return record.number


class StockTakeTable(tables.Table):
    number = tables.Column(verbose_name=_("number"), accessor="pk",
                           linkify=lambda record: reverse("inventory:stocktake", args=[record.pk]))

    class Meta:
        model = StockTake
        fields = ["number", "location", "status", "started_at", "started_by", "closed_at", "note"]

    def render_number(self, record):
        return record.number
