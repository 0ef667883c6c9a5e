"""Items, donations, the append-only stock ledger and the running stock levels.

Rules that must always hold are constraints here (and enforced again in `inventory.services`):
a stock level is never negative, a movement never has quantity zero, a movement is reversed at most once, a
barcode belongs to one item (and maybe one of its packs, see `barcodes`), and on PostgreSQL a trigger refuses any
UPDATE or DELETE of a ledger row (the ledger is append-only; corrections are new rows)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import validators as plausible
from core.db.expressions import DigitsAsInteger
from core.models import Location
from core.tenancy import CentreManager, CentreQuerySet
from core.text import search_key

from .barcodes import Barcode, Pack  # noqa: F401  (models of this app)
from .centres import centre_key
from .kits import KitComponent, KitHandedOut, KitRequest  # noqa: F401
from .stocktakes import StockTake, StockTakeCount  # noqa: F401

QUANTITY = {"max_digits": 12, "decimal_places": 3}
ZERO = Decimal("0")


class Item(models.Model):
    """A kind of goods: rice 1 kg, milk 1 l, nappies size 4, soap."""

    class Category(models.TextChoices):
        FOOD = "food", _("Food")
        HYGIENE = "hygiene", _("Hygiene and cleaning")
        BABY = "baby", _("Baby goods")
        CLOTHING = "clothing", _("Clothing and footwear")
        SCHOOL = "school", _("School supplies")
        HOUSEHOLD = "household", _("Household goods")
        OTHER = "other", _("Other")

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        KG = "kg", _("kg")
        LITRE = "litre", _("litre")
        PACK = "pack", _("pack")

    class FoodGroup(models.TextChoices):
        # The food groups of the EU funder's (FEAD/ESF+) indicators.
        FRUIT_VEG = "fruit_veg", _("Fruit and vegetables")
        MEAT_EGGS_FISH = "meat_eggs_fish", _("Meat, eggs, fish")
        STARCH = "starch", _("Flour, bread, potatoes, rice and other starch products")
        SUGAR = "sugar", _("Sugar")
        MILK = "milk", _("Milk products")
        FATS = "fats", _("Fats and oils")
        OTHER = "other", _("Other food")

    name_el = models.CharField(_("name (Greek)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, db_index=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    weight_kg = models.DecimalField(
        _("weight per unit (kg)"), max_digits=10, decimal_places=3, default=ZERO,
        validators=[MinValueValidator(ZERO)], help_text=_("Net weight of one unit, for the funder's tonnes."),
    )
    unit_value_eur = models.DecimalField(
        _("value per unit (€)"), max_digits=10, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO)], help_text=_("Estimated value of one unit, for the funder's report."),
    )
    is_food = models.BooleanField(_("food"), default=False)
    food_group = models.CharField(_("food group"), max_length=20, choices=FoodGroup.choices, blank=True)
    has_expiry = models.BooleanField(_("has an expiry date"), default=False)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Retired items are kept for history."))
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["name_el"]
        constraints = [
            models.CheckConstraint(condition=Q(weight_kg__gte=0), name="item_weight_not_negative",
                                   violation_error_message=_("The weight cannot be negative.")),
            models.CheckConstraint(condition=Q(unit_value_eur__gte=0), name="item_value_not_negative",
                                   violation_error_message=_("The value cannot be negative.")),
            # Food has a food group; other goods have none.
            models.CheckConstraint(
                condition=(Q(is_food=True) & ~Q(food_group="")) | (Q(is_food=False) & Q(food_group="")),
                name="item_food_group_iff_food",
                violation_error_message=_("Food needs a food group; other goods have none."),
            ),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return self.name_el

    def save(self, *args, **kwargs):
        self.search_text = search_key(f"{self.name_el} {self.name_en}")
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """The name in the current language (Greek when no English name was given)."""
        from django.utils.translation import get_language

        if (get_language() or "el").startswith("en") and self.name_en:
            return self.name_en
        return self.name_el

    @property
    def own_code(self) -> str:
        """Our own Code128 label text for this item (see docs/inventory.md)."""
        return Barcode.own_code_for(self.pk)


class LowStockThreshold(models.Model):
    """Below this quantity of an item at a location, staff are warned."""

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.CASCADE, related_name="thresholds")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(_("low-stock threshold"), **QUANTITY, validators=[MinValueValidator(ZERO)])

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("low-stock threshold")
        verbose_name_plural = _("low-stock thresholds")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "location"], name="threshold_one_per_item_location",
                violation_error_message=_("This item already has a low-stock threshold at this location.")),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="threshold_not_negative",
                                   violation_error_message=_("The threshold cannot be negative.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.item} @ {self.location}: {self.quantity}"


class Donor(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Private person")
        BUSINESS = "business", _("Business")
        PROGRAMME = "programme", _("Programme")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUSINESS)
    tax_number = models.CharField(_("tax number (ΑΦΜ)"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.CharField(max_length=400, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_key(self.name)
        super().save(*args, **kwargs)


class Donation(models.Model):
    """Goods in. A draft collects its lines (scanned one by one); receiving posts them to the ledger."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being entered")
        RECEIVED = "received", _("Received")

    donor = models.ForeignKey(Donor, verbose_name=_("donor"), on_delete=models.PROTECT, related_name="donations")
    date = models.DateField(_("date"), default=timezone.localdate, validators=[plausible.activity_date])
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", received_at__isnull=True) | Q(status="received", received_at__isnull=False),
                name="donation_received_has_time",
                violation_error_message=_("A received donation needs the time it was received; a draft has none."),
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.donor}"

    @property
    def number(self) -> str:
        return f"Δ-{self.date.year}-{self.pk:05d}" if self.pk else "—"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class DonationLine(models.Model):
    donation = models.ForeignKey(Donation, verbose_name=_("donation"), on_delete=models.CASCADE,
                                 related_name="lines")
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    lot = models.CharField(_("lot"), max_length=60, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True, validators=[plausible.expiry_date])
    # Received in packs: the pack as it was then (its name and units; the pack may change or go later), so
    # the receipt says "2 × κιβώτιο × 12 = 24 τεμάχια". `quantity` is in units either way.
    pack_name = models.CharField(_("pack name"), max_length=60, blank=True, default="")
    pack_units = models.PositiveIntegerField(_("units in the pack"), null=True, blank=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("donation line")
        verbose_name_plural = _("donation lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="donation_line_quantity_positive",
                                   violation_error_message=_("The quantity must be greater than zero.")),
            models.CheckConstraint(
                condition=Q(pack_units__isnull=True, pack_name="") | (Q(pack_units__gte=2) & ~Q(pack_name="")),
                name="donation_line_pack_whole",
                violation_error_message=_("A line counted in packs needs the pack's name and its units (2 or more).")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.item} × {self.quantity}"

    @property
    def packs(self):
        """How many packs the line was received in (None when counted in units)."""
        return self.quantity / self.pack_units if self.pack_units else None


class StockLevel(models.Model):
    """Stock on hand of one lot of an item at a location: the running sum of its ledger rows.

    A lot is (lot code, expiry date); goods without either are the lot ("", no date).
    """

    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="levels")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=60, blank=True, default="")
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True, validators=[plausible.expiry_date])
    quantity = models.DecimalField(_("quantity"), **QUANTITY, default=ZERO)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["item_id", F("expiry_date").asc(nulls_last=True), "lot"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_level_never_negative",
                                   violation_error_message=_("There is not enough stock for this.")),
            # One row per lot; NULL expiry dates would not collide in a plain unique constraint.
            models.UniqueConstraint(fields=["item", "location", "lot", "expiry_date"],
                                    condition=Q(expiry_date__isnull=False), name="stock_level_one_per_dated_lot",
                                    violation_error_message=_("This lot is already in stock at this location.")),
            models.UniqueConstraint(fields=["item", "location", "lot"],
                                    condition=Q(expiry_date__isnull=True), name="stock_level_one_per_undated_lot",
                                    violation_error_message=_("This lot is already in stock at this location.")),
        ]
        indexes = [models.Index(fields=["location", "item"])]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.item} @ {self.location}: {self.quantity}"

    @property
    def key(self):
        return (self.item_id, self.location_id, self.lot, self.expiry_date)


class LedgerQuerySet(CentreQuerySet):
    def update(self, **kwargs):
        raise TypeError("The stock ledger is append-only: post a correcting movement instead.")

    def delete(self):
        raise TypeError("The stock ledger is append-only: post a correcting movement instead.")


class StockMovement(models.Model):
    """One row of the append-only stock ledger. Positive quantity: goods in; negative: goods out."""

    class Reason(models.TextChoices):
        RECEIVED = "received", _("Received (donation)")
        DISTRIBUTED = "distributed", _("Distributed")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")
        TRANSFERRED_IN = "transferred_in", _("Transferred in")
        COUNTED = "counted", _("Stock-take adjustment")
        EXPIRED = "expired", _("Written off: expired")
        DAMAGED = "damaged", _("Written off: damaged")
        WRITTEN_OFF = "written_off", _("Written off: other")
        CORRECTION = "correction", _("Correction")
        KIT_OUT = "kit_out", _("Into kits / kits taken apart")
        KIT_IN = "kit_in", _("Kits assembled / back from kits")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # Every scan writes ledger rows: only the indexes queries use ((item, location, at), (document_type,
    # document_key), the rare reasons through a partial index).
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="movements",
                             db_index=False)
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(_("lot"), max_length=60, blank=True, default="")
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True, validators=[plausible.expiry_date])
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    # The item's weight and value when the goods moved: later edits of the item do not rewrite past reports.
    unit_weight_kg = models.DecimalField(_("weight per unit (kg)"), max_digits=10, decimal_places=3, default=ZERO)
    unit_value_eur = models.DecimalField(_("value per unit (€)"), max_digits=10, decimal_places=2, default=ZERO)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    reason_text = models.CharField(_("note"), max_length=300, blank=True)
    # The source document as two plain strings ("inventory.donation", "42"), so that inventory never imports
    # the apps that call it (distribution, for one); and the id as a number, computed by the database (never
    # out of step), which reports join and look documents up on.
    document_type = models.CharField(_("document type"), max_length=60, blank=True)
    document_id = models.CharField(_("document"), max_length=64, blank=True)
    document_key = models.GeneratedField(expression=DigitsAsInteger("document_id"),
                                         output_field=models.BigIntegerField(), db_persist=True)
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")

    centre = centre_key(db_index=False)

    objects = CentreManager.from_queryset(LedgerQuerySet)()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="movement_quantity_not_zero",
                                   violation_error_message=_("A stock movement cannot have a quantity of zero.")),
            models.CheckConstraint(
                condition=Q(reason__in=["received", "transferred_in", "kit_in"], quantity__gt=0) | Q(reason__in=[
                    "distributed", "transferred_out", "expired", "damaged", "written_off", "kit_out"], quantity__lt=0)
                | Q(reason__in=["counted", "correction"]), name="movement_sign_matches_reason",
                violation_error_message=_("The sign of the quantity does not match the reason (in or out)."),
            ),
            models.CheckConstraint(condition=Q(reverses__isnull=True) | Q(reason="correction"),
                                   name="movement_only_corrections_reverse",
                                   violation_error_message=_("Only a correction can reverse another movement.")),
        ]
        indexes = [
            models.Index(fields=["item", "location", "at"]),
            models.Index(fields=["document_type", "document_key"], name="movement_document"),
            # The rare reasons by period, for the stock report; partial: distributions never enter it.
            models.Index(fields=["reason", "at"], name="movement_rare_reason_at",
                         condition=Q(reason__in=["expired", "damaged", "written_off", "correction", "counted"])),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_reason_display()} {self.item} {self.quantity}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The stock ledger is append-only: post a correcting movement instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The stock ledger is append-only: post a correcting movement instead.")

    @property
    def weight_kg(self) -> Decimal:
        return self.quantity * self.unit_weight_kg

    @property
    def value_eur(self) -> Decimal:
        return self.quantity * self.unit_value_eur


class Transfer(models.Model):
    """Goods moved from one location to another (a document; the goods move in the ledger)."""

    from_location = models.ForeignKey(Location, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+")
    to_location = models.ForeignKey(Location, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL,
                           related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    centre = centre_key()
    objects = CentreManager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(from_location=F("to_location")),
                                              name="transfer_between_two_locations",
                                              violation_error_message=_("A transfer needs two different locations."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.number}: {self.from_location} → {self.to_location}"

    @property
    def number(self) -> str:
        return f"Μ-{self.pk:05d}" if self.pk else "—"
