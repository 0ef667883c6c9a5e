"""Distribution days: the plan of a day, its basket, time slots, collections and scans.

The rule that a household collects at most once per day lives here as a partial unique
constraint on Collection (household, day) for collections not cancelled; the scan service
(distribution/services/scans.py) relies on it when several tables scan the same card at once.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import validators as plausible
from core.models import Location
from core.numbers import MinValueValidator

from .cards import Card
from .centres import CentreManager, centre_field
from .households import AuthorisedCollector, Household
from .programmes import Programme

ZERO = Decimal("0")
QUANTITY = {"max_digits": 12, "decimal_places": 3}
# Sums of quantity (3 decimals) × weight per unit (3) or value per unit (2), kept exact.
KG_TOTAL = {"max_digits": 18, "decimal_places": 6}
EUR_TOTAL = {"max_digits": 17, "decimal_places": 5}


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


ONE_DAY_PER_DATE_SITE_PROGRAMME = _("There is already a distribution day on this date, at this site, for this "
                                    "programme.")


class DistributionDay(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CLOSED = "closed", pgettext_lazy("distribution day", "Closed")
        CANCELLED = "cancelled", pgettext_lazy("distribution day", "Cancelled")

    date = models.DateField(_("date"), db_index=True, validators=[plausible.activity_date])
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT,
                                  related_name="distribution_days")
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    stations = models.CharField(
        _("stations (tables)"), max_length=300, blank=True,
        help_text=_("Names of the tables working that day, separated by commas, e.g. Τραπέζι 1, Τραπέζι 2."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Random, drawn when a station first asks for the day's manifest: with SECRET_KEY and the day's
    # id it makes the day's own key for the manifest's card hashes (services/manifest.py).
    manifest_salt = models.CharField(max_length=32, blank=True, default="", editable=False)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("distribution day")
        verbose_name_plural = _("distribution days")
        ordering = ["-date", "-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="distribution_day_ends_after_start",
                                   violation_error_message=_("The end must be after the start.")),
            # A second day for the same date, site and programme is a double submit or a mistake; a
            # cancelled day does not count, so a day can be planned again after cancelling it.
            models.UniqueConstraint(
                fields=["date", "location", "programme"], condition=~Q(status="cancelled"),
                name="one_distribution_day_per_date_site_programme",
                violation_error_message=ONE_DAY_PER_DATE_SITE_PROGRAMME,
            ),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.programme.name}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The day must end after it starts.")})

    @property
    def station_names(self) -> list[str]:
        return [name.strip() for name in self.stations.split(",") if name.strip()]

    @property
    def station_choices(self) -> list[str]:
        """The tables a station may be opened as: the day's own, else DEFAULT_STATIONS. Chosen, not typed,
        so that "Τραπέζι 1" and "Τραπεζι 1" never become two stations in the live view."""
        return self.station_names or list(DEFAULT_STATIONS)

    def station_named(self, name: str) -> str | None:
        """The day's own spelling of a table named in capitals or small letters ("ΤΡΑΠΈΖΙ 1"), else None."""
        return {choice.casefold(): choice for choice in self.station_choices}.get(name.strip().casefold())


# Offered when a day lists no tables. Names of places, stored with the scans: data in the centre's language,
# not interface text (a translated default would split one table into two in the live view).
DEFAULT_STATIONS = ("Τραπέζι 1", "Τραπέζι 2", "Τραπέζι 3", "Τραπέζι 4")


class BasketRule(models.Model):
    """One line of the basket: `quantity` of an item per household of a size range, or per member
    of an age range (e.g. 10 nappies per child under 3).

    Which members a per-member rule counts on a day is written here once, in three forms held together
    by tests/distribution/test_rule_parity.py: `counts_member` (one person), `Person.objects.counted_by`
    (a set) and `members_sql` (the scan's plain SQL). All three take the birth-date bounds of
    `birth_date_bounds`; the members are the household's current members (`Person.objects`, left_on
    empty) in every form.
    """

    class Basis(models.TextChoices):
        HOUSEHOLD = "household", _("per household")
        MEMBER = "member", _("per member")

    day = models.ForeignKey(DistributionDay, verbose_name=_("distribution day"), on_delete=models.CASCADE,
                            related_name="basket_rules")
    item = models.ForeignKey("inventory.Item", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.HOUSEHOLD)
    quantity = models.DecimalField(_("quantity"), **QUANTITY, validators=[MinValueValidator(Decimal("0.001"))])
    min_size = models.PositiveSmallIntegerField(_("household size from"), null=True, blank=True)
    max_size = models.PositiveSmallIntegerField(_("household size up to"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("member aged from (years)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(
        _("member younger than (years)"), null=True, blank=True,
        help_text=_("Per member only: e.g. 3 for children under 3."),
    )

    class Meta:
        verbose_name = _("basket line")
        verbose_name_plural = _("basket lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="basket_rule_quantity_positive",
                                   violation_error_message=_("The quantity must be greater than zero.")),
            models.CheckConstraint(
                condition=Q(min_size__isnull=True) | Q(max_size__isnull=True) | Q(max_size__gte=F("min_size")),
                name="basket_rule_size_range",
                violation_error_message=_("The largest household size cannot be smaller than the smallest."),
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gt=F("min_age")),
                name="basket_rule_age_range",
                violation_error_message=_("The maximum age must be greater than the minimum age."),
            ),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.item} × {self.quantity}"

    def clean(self):
        if self.min_size and self.max_size and self.max_size < self.min_size:
            raise ValidationError({"max_size": _("The largest size must not be below the smallest.")})
        if self.min_age is not None and self.max_age is not None and self.max_age <= self.min_age:
            raise ValidationError({"max_age": _("The age range is empty.")})

    def applies_to_size(self, size: int) -> bool:
        return (self.min_size is None or size >= self.min_size) and (self.max_size is None or size <= self.max_size)

    def birth_date_bounds(self, on: date) -> tuple[date | None, date | None]:
        """(born on or before, born after) for a member's age on `on` to lie in [min_age, max_age):
        aged at least min_age years, younger than max_age years; None where there is no limit."""
        return (years_before(on, self.min_age) if self.min_age is not None else None,
                years_before(on, self.max_age) if self.max_age is not None else None)

    def counts_member(self, person, on: date) -> bool:
        """Whether this per-member rule counts `person` (a current member) on `on`. Without age limits
        every member counts; with one, a member without a birth date does not."""
        latest, after = self.birth_date_bounds(on)
        if latest is None and after is None:
            return True
        born = person.birth_date
        return born is not None and (latest is None or born <= latest) and (after is None or born > after)

    def members_sql(self, alias: str, on: date) -> tuple[str, list]:
        """`counts_member` as SQL conditions (each starting with AND) on the person row `alias`, with
        their parameters; the caller selects the current members (`alias.left_on IS NULL`)."""
        latest, after = self.birth_date_bounds(on)
        conditions, params = "", []
        if latest is not None:
            conditions += f" AND {alias}.birth_date <= %s"
            params.append(latest)
        if after is not None:
            conditions += f" AND {alias}.birth_date > %s"
            params.append(after)
        return conditions, params


class TimeSlot(models.Model):
    day = models.ForeignKey(DistributionDay, verbose_name=_("distribution day"), on_delete=models.CASCADE,
                            related_name="slots")
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        ordering = ["starts_at", "id"]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class SlotAssignment(models.Model):
    """Which slot an expected household was given, and whether it was told (SMS/e-mail) or needs a call."""

    slot = models.ForeignKey(TimeSlot, verbose_name=_("time slot"), on_delete=models.CASCADE,
                             related_name="assignments")
    day = models.ForeignKey(DistributionDay, verbose_name=_("distribution day"), on_delete=models.CASCADE,
                            related_name="+")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.CASCADE,
                                  related_name="+")
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    notified_by = models.CharField(_("notified by"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("slot of a household")
        verbose_name_plural = _("slots of households")
        constraints = [models.UniqueConstraint(
            fields=["day", "household"], name="one_slot_per_household_per_day",
            violation_error_message=_("The household already has a time slot on this day."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.slot} · {self.household}"


class Collection(models.Model):
    """A household collected its basket on a day. At most one not-cancelled per household and day."""

    # Indexes on a collection are paid at every scan: only those a query uses. The day's lookups
    # use collection_day_at and the (household, day) constraint; collectors and cancellers are
    # looked up from the collection, never the other way round.
    day = models.ForeignKey(DistributionDay, verbose_name=_("distribution day"), on_delete=models.PROTECT,
                            related_name="collections", db_index=False)
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="collections")
    card = models.ForeignKey(Card, verbose_name=_("card"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    collector = models.ForeignKey(AuthorisedCollector, verbose_name=_("authorised collector"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    station = models.CharField(_("station"), max_length=60)
    at = models.DateTimeField(_("when"))
    # When the server recorded it: `at` for a scan answered online; later for a scan a station made
    # offline and synchronised (`at` is then when it was made). The manifests' deltas watch it.
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                           related_name="+")
    household_size = models.PositiveSmallIntegerField(_("household size"))
    # The basket as handed over: [{"item": id, "name", "quantity": "2", "unit"}], so that later
    # changes of the plan do not rewrite what was given.
    basket = models.JSONField(_("basket"), default=list)
    id_checked = models.BooleanField(_("ID checked"), default=False)
    # What the basket held, food and other goods apart (the items' food flag): whether any was handed
    # over, and its kg and € (quantity × the item's weight and value per unit when it left the stock;
    # goods brought back deducted). Written with the collection (selectors.baskets.basket_totals) so that
    # reports never have to join the stock ledger; a cancelled collection keeps them but is left out.
    has_food = models.BooleanField(_("food handed over"), default=False)
    has_goods = models.BooleanField(_("other goods handed over"), default=False)
    food_kg = models.DecimalField(_("food (kg)"), **KG_TOTAL, default=ZERO)
    food_value_eur = models.DecimalField(_("food (€)"), **EUR_TOTAL, default=ZERO)
    goods_kg = models.DecimalField(_("other goods (kg)"), **KG_TOTAL, default=ZERO)
    goods_value_eur = models.DecimalField(_("other goods (€)"), **EUR_TOTAL, default=ZERO)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "day"], condition=Q(cancelled_at__isnull=True),
                                    name="one_collection_per_household_per_day",
                                    violation_error_message=_("The household has already collected on this day.")),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="cancelled_collection_has_reason",
                violation_error_message=_("A cancelled collection needs a reason."),
            ),
            models.CheckConstraint(
                condition=Q(food_kg__gte=0, food_value_eur__gte=0, goods_kg__gte=0, goods_value_eur__gte=0),
                name="collection_totals_not_negative",
                violation_error_message=_("The totals of a collection cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["day", "at"], name="collection_day_at")]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return str(_("Collection %(id)s")) % {"id": self.pk}

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None


class Scan(models.Model):
    """Every scan, accepted or refused, with the answer given: a retry with the same request id
    gets this answer back and records nothing new."""

    class Outcome(models.TextChoices):
        COLLECTED = "collected", _("Collected")
        ALREADY_COLLECTED = "already_collected", _("Already collected")
        UNKNOWN_CARD = "unknown_card", _("Unknown card")
        REVOKED_CARD = "revoked_card", _("Revoked card")
        EXPIRED_ELIGIBILITY = "expired_eligibility", _("Eligibility expired")
        NOT_ENROLLED = "not_enrolled", _("Not enrolled in the programme")
        LIMIT_REACHED = "limit_reached", _("Collection limit reached")
        WRONG_DAY = "wrong_day", _("Wrong day or location")
        OUT_OF_STOCK = "out_of_stock", _("Not enough stock")
        # Handed out by a station deciding offline, where the server would have refused (most often:
        # another table handed out to the household already): an OfflineHandout row says why.
        OFFLINE_HANDOUT = "offline_handout", _("Handed out offline, to follow up")

    # Unique by a constraint (Meta), not unique=True: no second LIKE index on PostgreSQL. Every
    # scan writes a row, so only indexes a query uses: the day's by (day, outcome).
    # The client's request id, scoped to `by` (core/idempotency.py); emptied (NULL) after the
    # retention window with the fingerprint and the stored answer, the scan itself is kept.
    request_id = models.CharField(_("request id"), max_length=64, null=True, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True, default="")
    day = models.ForeignKey(DistributionDay, verbose_name=_("distribution day"), on_delete=models.PROTECT,
                            related_name="scans", db_index=False)
    station = models.CharField(_("station"), max_length=60)
    at = models.DateTimeField(_("when"), db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                           related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    card = models.ForeignKey(Card, verbose_name=_("card"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    # What was read when no card matched, with the middle masked (a mistyped token stays secret).
    code_hint = models.CharField(_("code read"), max_length=40, blank=True)
    collection = models.ForeignKey(Collection, verbose_name=_("collection"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    http_status = models.PositiveSmallIntegerField()
    answer = models.JSONField(default=dict)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["day", "outcome"], name="scan_day_outcome")]
        constraints = [models.UniqueConstraint(fields=["centre", "by", "request_id"],
                                               name="scan_request_id_per_user_in_centre",
                                               violation_error_message=_("This scan has already been recorded."))]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return f"{self.station} {self.at:%H:%M:%S} {self.outcome}"


class OfflineHandout(models.Model):
    """Goods a station handed out while deciding offline (green on its manifest) that the server, when
    the scan arrived, would have refused: `reason` is what it would have answered, most often
    already_collected (two tables, both offline, one household: `collection` is the one that stands).

    A row of its own rather than a second Collection: "one collection per household per day" (the
    constraint on Collection) stays whole for everything decided online, and every count of
    households served stays right without a filter; the goods did leave the hall, so the stock
    ledger takes them out (document `distribution.offline_handout`) and the coordinator follows up
    (selectors.offline.offline_conflicts)."""

    day = models.ForeignKey(DistributionDay, verbose_name=_("distribution day"), on_delete=models.PROTECT,
                            related_name="offline_handouts")
    household = models.ForeignKey(Household, verbose_name=_("household"), on_delete=models.PROTECT,
                                  related_name="+")
    card = models.ForeignKey(Card, verbose_name=_("card"), on_delete=models.PROTECT, related_name="+")
    scan = models.OneToOneField(Scan, verbose_name=_("scan"), on_delete=models.PROTECT, related_name="offline_handout")
    reason = models.CharField(_("the server's answer"), max_length=20, choices=Scan.Outcome.choices)
    collection = models.ForeignKey(Collection, verbose_name=_("collection that stands"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+", db_index=False)
    station = models.CharField(_("station"), max_length=60)
    at = models.DateTimeField(_("handed out"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                           related_name="+")
    recorded_at = models.DateTimeField(_("synchronised"), auto_now_add=True)
    household_size = models.PositiveSmallIntegerField(_("household size"))
    basket = models.JSONField(_("basket"), default=list)
    stock_taken = models.BooleanField(_("taken out of stock"), default=True)
    centre = centre_field()

    objects = CentreManager()

    class Meta:
        verbose_name = _("offline hand-out")
        verbose_name_plural = _("offline hand-outs")
        ordering = ["day", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason__in=["collected", "offline_handout"]), name="offline_handout_was_refused",
                violation_error_message=_("An offline hand-out is recorded only where the server would have "
                                          "refused the scan.")),
            models.CheckConstraint(
                condition=~Q(reason="already_collected") | Q(collection__isnull=False),
                name="offline_double_names_the_collection",
                violation_error_message=_("An offline double collection names the collection that stands.")),
        ]

    audit_names_nobody = True  # no personal data: the audit log keeps its label and values

    def __str__(self):
        return str(_("Offline hand-out %(id)s")) % {"id": self.pk}
